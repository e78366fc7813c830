/*
 * set_fact: sets host variables from its arguments; MOD_FACTS_ARE_VARS
 * has the executor merge its ansible_facts into them.
 */
#include <ctype.h>
#include <string.h>

#include "utilities.h"

static const char *const set_fact_aliases[] = {
	"ansible.builtin.set_fact", "ansible.legacy.set_fact", NULL
};

static const struct mod_param set_fact_params[] = {
	{ "cacheable", P_BOOL, 0, "no", NULL, NULL },
	{ NULL }
};

int
utilities_var_name_ok(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int
set_fact_validate(const struct mod_args *args, char **cause)
{
	const struct value	*v = args->v;
	size_t			 i, n = 0;

	for (i = 0; i < v->u.dict.n; i++) {
		if (strcmp(v->u.dict.keys[i], "cacheable") == 0)
			continue;
		n++;
		/* A templated name is checked once rendered. */
		if (strstr(v->u.dict.keys[i], "{{") != NULL)
			continue;
		if (!utilities_var_name_ok(v->u.dict.keys[i])) {
			*cause = xasprintf("The variable name '%s' is not "
			    "valid. Variables must start with a letter or "
			    "underscore character, and contain only letters, "
			    "numbers and underscores.", v->u.dict.keys[i]);
			return -1;
		}
	}
	if (n == 0) {
		*cause = xstrdup("No key/value pairs provided, at least one "
		    "is required for this action to succeed");
		return -1;
	}
	return 0;
}

static enum mod_status
set_fact_run(struct task_ctx *ctx, const struct mod_args *args,
    struct result *r)
{
	const struct value	*v = args->v;
	struct value		*facts = value_dict(), *val;
	const char		*s;
	size_t			 i;

	for (i = 0; i < v->u.dict.n; i++) {
		if (strcmp(v->u.dict.keys[i], "cacheable") == 0)
			continue;
		val = v->u.dict.vals[i];
		/* Ansible (without jinja2 native) turns "yes"/"false" into bools. */
		if (val->type == V_STR) {
			s = val->u.str.s;
			if (strcasecmp(s, "true") == 0 ||
			    strcasecmp(s, "yes") == 0) {
				value_dict_setbool(facts, v->u.dict.keys[i], 1);
				continue;
			}
			if (strcasecmp(s, "false") == 0 ||
			    strcasecmp(s, "no") == 0) {
				value_dict_setbool(facts, v->u.dict.keys[i], 0);
				continue;
			}
		}
		value_dict_set(facts, v->u.dict.keys[i], value_ref(val));
	}
	result_set(r, "ansible_facts", facts);
	result_setbool(r, "_ansible_facts_cacheable",
	    args_bool(args, "cacheable", 0));
	return MOD_OK;
}

const struct module_entry module_set_fact = {
	.name = "set_fact",
	.aliases = set_fact_aliases,
	.params = set_fact_params,
	.flags = MOD_SUPPORTS_CHECK | MOD_LOCAL | MOD_ANY_PARAMS |
	    MOD_FACTS_ARE_VARS,
	.validate = set_fact_validate,
	.run = set_fact_run,
};
