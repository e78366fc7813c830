/*
 * `cairn doc` (and cairn-doc): ansible-doc for cairn's modules, made from
 * the parameter tables the engine checks arguments against, so that it
 * cannot drift from the code.  -l lists, -s gives a snippet, -j the JSON
 * shape of ansible-doc -j (tools/compare-ansible-doc.sh diffs the two).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "module.h"
#include "settings.h"

static const char *const param_type_names[] = {
	[P_STR] = "str", [P_BOOL] = "bool", [P_INT] = "int",
	[P_FLOAT] = "float", [P_PATH] = "path", [P_LIST] = "list",
	[P_DICT] = "dict", [P_RAW] = "raw",
};

static void
doc_usage(FILE *f)
{
	fputs("usage: cairn doc [-l] [-s] [-j] [-M PATH] [MODULE...]\n"
	    "  -l, --list       the modules cairn has, built in and shipped\n"
	    "  -s, --snippet    a task to start from, for each MODULE\n"
	    "  -j, --json       ansible-doc -j's JSON shape\n"
	    "  -M, --module-path DIRS  look for Lua modules here first\n", f);
}

/* The collection-qualified name among the aliases, or ansible.builtin.X. */
static char *
doc_fqcn(const struct module_entry *m)
{
	for (size_t i = 0; m->aliases != NULL && m->aliases[i] != NULL; i++)
		if (strchr(m->aliases[i], '.') != NULL &&
		    !str_startswith(m->aliases[i], "ansible.legacy."))
			return xstrdup(m->aliases[i]);
	return xasprintf("ansible.builtin.%s", m->name);
}

static void
doc_list(void)
{
	static const char *const shipped[] = { "hostname", "timezone",
	    "sysctl", NULL };
	const struct module_entry	*m;
	char				*fq, *cause = NULL;

	for (size_t i = 0; (m = module_table[i]) != NULL; i++) {
		fq = doc_fqcn(m);
		printf("%-40s %s\n", fq, "built in");
		free(fq);
	}
	for (size_t i = 0; shipped[i] != NULL; i++) {
		if ((m = module_resolve(shipped[i], NULL, NULL, &cause)) ==
		    NULL) {
			free(cause);
			cause = NULL;
			continue;
		}
		fq = doc_fqcn(m);
		printf("%-40s %s\n", fq, "shipped in Lua");
		free(fq);
	}
}

/* A default as it would be written in YAML: quoted when it is text. */
static void
doc_default(struct buf *b, const struct mod_param *p)
{
	if (p->type == P_BOOL || p->type == P_INT || p->type == P_FLOAT)
		buf_adds(b, p->def);
	else {
		struct value *v = value_str(p->def);

		value_to_json(b, v, 0);
		value_unref(v);
	}
}

static void
doc_text(const struct module_entry *m)
{
	struct buf	b = BUF_INIT;
	char		*fq = doc_fqcn(m);

	buf_addf(&b, "> %s\n\n", fq);
	buf_adds(&b, "  Names:");
	buf_addf(&b, " %s", m->name);
	for (size_t i = 0; m->aliases != NULL && m->aliases[i] != NULL; i++)
		buf_addf(&b, ", %s", m->aliases[i]);
	buf_addf(&b, "\n  Check mode: %s.  Diff: %s.\n\nOPTIONS (= is "
	    "mandatory):\n", (m->flags & MOD_SUPPORTS_CHECK) ? "yes" : "no",
	    (m->flags & MOD_SUPPORTS_DIFF) ? "yes" : "no");
	for (const struct mod_param *p = m->params; p != NULL && p->name !=
	    NULL; p++) {
		buf_addf(&b, "\n%c %s\n        type: %s\n",
		    (p->flags & P_REQUIRED) ? '=' : '-', p->name,
		    param_type_names[p->type]);
		if (p->aliases != NULL) {
			buf_adds(&b, "        aliases:");
			for (size_t i = 0; p->aliases[i] != NULL; i++)
				buf_addf(&b, "%s %s", i ? "," : "",
				    p->aliases[i]);
			buf_addc(&b, '\n');
		}
		if (p->choices != NULL) {
			buf_adds(&b, "        choices:");
			for (size_t i = 0; p->choices[i] != NULL; i++)
				buf_addf(&b, "%s %s", i ? "," : "",
				    p->choices[i]);
			buf_addc(&b, '\n');
		}
		if (p->def != NULL) {
			buf_adds(&b, "        default: ");
			doc_default(&b, p);
			buf_addc(&b, '\n');
		}
		if (p->flags & P_SECRET)
			buf_adds(&b, "        no_log: true\n");
	}
	if (m->flags & MOD_FREE_FORM)
		buf_adds(&b, "\n  Takes a free-form command: `MODULE: text`.\n");
	fputs(buf_cstr(&b), stdout);
	buf_release(&b);
	free(fq);
}

static void
doc_snippet(const struct module_entry *m)
{
	char	*fq = doc_fqcn(m);

	printf("- name: \n  %s:\n", fq);
	for (const struct mod_param *p = m->params; p != NULL && p->name !=
	    NULL; p++) {
		printf("      %-22s # %s%s", p->name ? p->name : "",
		    (p->flags & P_REQUIRED) ? "(required) " : "",
		    param_type_names[p->type]);
		if (p->def != NULL)
			printf(", default: %s", p->def);
		if (p->choices != NULL) {
			printf(", one of:");
			for (size_t i = 0; p->choices[i] != NULL; i++)
				printf(" %s", p->choices[i]);
		}
		putchar('\n');
	}
	free(fq);
}

/* {"fqcn": {"doc": {"module": ..., "options": {...}}}}, as ansible-doc. */
static struct value *
doc_json(const struct module_entry *m)
{
	struct value	*opts = value_dict(), *doc = value_dict();
	struct value	*top = value_dict(), *o, *l;
	char		*fq = doc_fqcn(m);

	for (const struct mod_param *p = m->params; p != NULL && p->name !=
	    NULL; p++) {
		o = value_dict();
		value_dict_setstr(o, "type", param_type_names[p->type]);
		value_dict_setbool(o, "required", (p->flags & P_REQUIRED) != 0);
		if (p->def != NULL)
			value_dict_setstr(o, "default", p->def);
		if (p->choices != NULL) {
			l = value_list();
			for (size_t i = 0; p->choices[i] != NULL; i++)
				value_list_append(l, value_str(p->choices[i]));
			value_dict_set(o, "choices", l);
		}
		if (p->aliases != NULL) {
			l = value_list();
			for (size_t i = 0; p->aliases[i] != NULL; i++)
				value_list_append(l, value_str(p->aliases[i]));
			value_dict_set(o, "aliases", l);
		}
		if (p->flags & P_SECRET)
			value_dict_setbool(o, "no_log", 1);
		value_dict_set(opts, p->name, o);
	}
	value_dict_setstr(doc, "module", m->name);
	value_dict_setstr(doc, "collection", "cairn");
	value_dict_set(doc, "options", opts);
	o = value_dict();
	value_dict_set(o, "doc", doc);
	value_dict_set(top, fq, o);
	free(fq);
	return top;
}

int
cli_doc(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "snippet", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "module-path", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct module_entry	*m;
	struct value			*all = NULL, *one;
	struct settings			 st;
	struct buf			 modpath = BUF_INIT, out = BUF_INIT;
	char				*cause = NULL;
	int				 c, list = 0, snippet = 0, json = 0;
	int				 rc = 0;

	memset(&st, 0, sizeof st);
	optind = 1;
	while ((c = getopt_long(argc, argv, "lsjM:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = 1;
			break;
		case 's':
			snippet = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'M':
			buf_addf(&modpath, "%s%s", modpath.len ? ":" : "",
			    optarg);
			break;
		case 'h':
			doc_usage(stdout);
			return 0;
		default:
			doc_usage(stderr);
			return 2;
		}
	}
	if (settings_load(&st, &cause) != 0) {
		fprintf(stderr, "ERROR! %s\n", cause);
		free(cause);
		return 1;
	}
	if (st.library != NULL)
		buf_addf(&modpath, "%s%s", modpath.len ? ":" : "", st.library);
	module_configure(modpath.len ? buf_cstr(&modpath) : NULL, 0);
	if (list)
		doc_list();
	else if (optind >= argc) {
		fprintf(stderr, "ERROR! Incorrect options passed\n");
		doc_usage(stderr);
		rc = 5;
	}
	if (json)
		all = value_dict();
	for (int i = optind; !list && i < argc; i++) {
		if ((m = module_resolve(argv[i], NULL, NULL, &cause)) == NULL) {
			fprintf(stderr, "[WARNING]: module %s not found in "
			    "cairn%s%s\n", argv[i], cause ? ": " : "",
			    cause ? cause : "");
			free(cause);
			cause = NULL;
			rc = 1;
			continue;
		}
		if (json) {
			one = doc_json(m);
			value_dict_merge(all, one, 0);
			value_unref(one);
		} else if (snippet)
			doc_snippet(m);
		else
			doc_text(m);
	}
	if (all != NULL) {
		value_to_json(&out, all, 1);
		printf("%s\n", buf_cstr(&out));
		value_unref(all);
	}
	buf_release(&out);
	buf_release(&modpath);
	settings_release(&st);
	return rc;
}
