/* OpenSSH client arguments read into what cairn's transport applies. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "shell.h"
#include "sshargs.h"
#include "util.h"

/* ssh(1)'s options that take a value (getopt's "B:b:c:D:E:e:F:..."). */
#define SSHARGS_WITH_VALUE	"BbcDEeFIiJLlmOopPQRSWw"
/* Flags that change nothing for cairn's non-interactive sessions. */
#define SSHARGS_QUIET_FLAGS	"qvTtnxak"

void
sshargs_init(struct sshargs *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->hkc = -1;
	sa->identities_only = -1;
	sa->compression = -1;
}

void
sshargs_release(struct sshargs *sa)
{
	if (sa == NULL)
		return;
	free(sa->known_hosts);
	free(sa->global_known_hosts);
	free(sa->proxy_command);
	free(sa->proxy_jump);
	free(sa->user);
	free(sa->identity);
	free(sa->config);
	free(sa->ciphers);
	free(sa->kex);
	free(sa->hostkeys);
	free(sa->pubkey_types);
	strv_free(sa->ignored, sa->nignored);
	sshargs_init(sa);
}

static void
sshargs_ignore(struct sshargs *sa, const char *name)
{
	size_t	i;

	for (i = 0; i < sa->nignored; i++) {
		if (strcasecmp(sa->ignored[i], name) == 0)
			return;
	}
	sa->ignored = xreallocarray(sa->ignored, sa->nignored + 1,
	    sizeof *sa->ignored);
	sa->ignored[sa->nignored++] = xstrdup(name);
}

/* Each whitespace-separated name of v with a leading "~/" made home's. */
static char *
sshargs_paths(const char *v, const char *home)
{
	struct buf	 b = BUF_INIT;
	const char	*p = v, *e;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p; *e != '\0' && *e != ' ' && *e != '\t'; e++)
			;
		if (e == p)
			break;
		if (b.len != 0)
			buf_addc(&b, ' ');
		if (home != NULL && e - p >= 2 && p[0] == '~' && p[1] == '/') {
			buf_adds(&b, home);
			p++;
		}
		buf_add(&b, p, (size_t)(e - p));
		p = e;
	}
	return buf_detach(&b, NULL);
}

static void
sshargs_str(char **field, const char *v)
{
	if (*field == NULL)
		*field = xstrdup(v);
}

static void
sshargs_path(char **field, const char *v, const char *home)
{
	if (*field == NULL)
		*field = sshargs_paths(v, home);
}

/* ssh_config's yes/no: 1, 0, or -1. */
static int
sshargs_yesno(const char *v)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0)
		return 1;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0)
		return 0;
	return -1;
}

static int
sshargs_number(int *field, const char *key, const char *v, int min, int max,
    char **cause)
{
	char	*end;
	long	 n;

	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < min || n > max) {
		*cause = xasprintf("bad value '%s' for ssh option '%s'", v, key);
		return -1;
	}
	if (*field == 0)
		*field = (int)n;
	return 0;
}

static int
sshargs_bool(int *field, const char *key, const char *v, char **cause)
{
	int	b = sshargs_yesno(v);

	if (b < 0) {
		*cause = xasprintf("bad value '%s' for ssh option '%s' (yes or "
		    "no)", v, key);
		return -1;
	}
	if (*field < 0)
		*field = b;
	return 0;
}

/* One -o option, "Key=Value", "Key Value" or "Key = Value". */
static int
sshargs_option(struct sshargs *sa, const char *opt, const char *home,
    char **cause)
{
	char	*key, *v, *p;
	int	 r = 0;

	key = xstrdup(opt);
	for (p = key; *p != '\0' && *p != '=' && *p != ' ' && *p != '\t'; p++)
		;
	v = p;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '=')
		v++;
	while (*v == ' ' || *v == '\t')
		v++;
	*p = '\0';
	str_trim(v);
	if (*key == '\0' || *v == '\0') {
		*cause = xasprintf("ssh option '%s' has no value", opt);
		r = -1;
		goto out;
	}

	if (strcasecmp(key, "StrictHostKeyChecking") == 0) {
		enum host_key_checking	 hkc;

		if (strcasecmp(v, "accept-new") == 0)
			hkc = HKC_ACCEPT_NEW;
		else if (strcasecmp(v, "off") == 0 || sshargs_yesno(v) == 0)
			hkc = HKC_OFF;
		else if (strcasecmp(v, "ask") == 0 || sshargs_yesno(v) == 1)
			hkc = HKC_STRICT;	/* nobody to ask: as BatchMode */
		else {
			*cause = xasprintf("bad value '%s' for ssh option "
			    "'%s' (yes, no, accept-new, off or ask)", v, key);
			r = -1;
			goto out;
		}
		if (sa->hkc < 0)
			sa->hkc = (int)hkc;
	} else if (strcasecmp(key, "UserKnownHostsFile") == 0)
		sshargs_path(&sa->known_hosts, v, home);
	else if (strcasecmp(key, "GlobalKnownHostsFile") == 0)
		sshargs_path(&sa->global_known_hosts, v, home);
	else if (strcasecmp(key, "ProxyCommand") == 0)
		sshargs_str(&sa->proxy_command, v);
	else if (strcasecmp(key, "ProxyJump") == 0)
		sshargs_str(&sa->proxy_jump, v);
	else if (strcasecmp(key, "Port") == 0)
		r = sshargs_number(&sa->port, key, v, 1, 65535, cause);
	else if (strcasecmp(key, "User") == 0)
		sshargs_str(&sa->user, v);
	else if (strcasecmp(key, "IdentityFile") == 0)
		sshargs_path(&sa->identity, v, home);
	else if (strcasecmp(key, "IdentitiesOnly") == 0)
		r = sshargs_bool(&sa->identities_only, key, v, cause);
	else if (strcasecmp(key, "ConnectTimeout") == 0)
		r = sshargs_number(&sa->timeout, key, v, 0, 86400, cause);
	else if (strcasecmp(key, "ServerAliveInterval") == 0)
		r = sshargs_number(&sa->alive_interval, key, v, 0, 86400,
		    cause);
	else if (strcasecmp(key, "ServerAliveCountMax") == 0)
		r = sshargs_number(&sa->alive_count, key, v, 0, 1000, cause);
	else if (strcasecmp(key, "Ciphers") == 0)
		sshargs_str(&sa->ciphers, v);
	else if (strcasecmp(key, "KexAlgorithms") == 0)
		sshargs_str(&sa->kex, v);
	else if (strcasecmp(key, "HostKeyAlgorithms") == 0)
		sshargs_str(&sa->hostkeys, v);
	else if (strcasecmp(key, "PubkeyAcceptedAlgorithms") == 0 ||
	    strcasecmp(key, "PubkeyAcceptedKeyTypes") == 0)
		sshargs_str(&sa->pubkey_types, v);
	else if (strcasecmp(key, "Compression") == 0)
		r = sshargs_bool(&sa->compression, key, v, cause);
	else if (strcasecmp(key, "ControlMaster") == 0 ||
	    strcasecmp(key, "ControlPersist") == 0 ||
	    strcasecmp(key, "ControlPath") == 0 ||
	    strcasecmp(key, "LogLevel") == 0)
		;	/* one connection per host already; output is ours */
	else
		sshargs_ignore(sa, key);
out:
	free(key);
	return r;
}

/* A short option c with its value v (NULL for a flag). */
static int
sshargs_short(struct sshargs *sa, char c, const char *v, const char *home,
    char **cause)
{
	char	name[3] = { '-', c, '\0' };

	switch (c) {
	case 'o':
		return sshargs_option(sa, v, home, cause);
	case 'i':
		sshargs_path(&sa->identity, v, home);
		return 0;
	case 'p':
		return sshargs_number(&sa->port, "-p", v, 1, 65535, cause);
	case 'l':
		sshargs_str(&sa->user, v);
		return 0;
	case 'J':
		sshargs_str(&sa->proxy_jump, v);
		return 0;
	case 'F':
		sshargs_path(&sa->config, v, home);
		return 0;
	case 'c':
		sshargs_str(&sa->ciphers, v);
		return 0;
	case 'C':
		if (sa->compression < 0)
			sa->compression = 1;
		return 0;
	}
	if (strchr(SSHARGS_QUIET_FLAGS, c) == NULL)
		sshargs_ignore(sa, name);
	return 0;
}

int
sshargs_parse(struct sshargs *sa, const char *args, const char *home,
    char **cause)
{
	char		**argv = NULL, *err = NULL;
	const char	 *w, *v;
	size_t		  i;
	int		  r = -1;

	if (args == NULL)
		return 0;
	if (shell_split(args, &argv, &err) != 0) {
		*cause = xasprintf("cannot split ssh arguments '%s': %s", args,
		    err);
		free(err);
		return -1;
	}
	for (i = 0; argv[i] != NULL; i++) {
		w = argv[i];
		if (w[0] != '-' || w[1] == '\0') {
			*cause = xasprintf("ssh argument '%s' is not an option "
			    "(a host or command cannot be given here)", w);
			goto out;
		}
		for (w++; *w != '\0'; w++) {
			if (strchr(SSHARGS_WITH_VALUE, *w) == NULL) {
				if (sshargs_short(sa, *w, NULL, home,
				    cause) != 0)
					goto out;
				continue;
			}
			if (w[1] != '\0')
				v = w + 1;
			else if ((v = argv[i + 1]) != NULL)
				i++;
			else {
				*cause = xasprintf("ssh option '-%c' needs a "
				    "value", *w);
				goto out;
			}
			if (sshargs_short(sa, *w, v, home, cause) != 0)
				goto out;
			break;
		}
	}
	r = 0;
out:
	shell_argv_free(argv);
	return r;
}
