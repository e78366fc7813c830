/*
 * Shared by the container and container_image modules: which engine runs
 * containers on the target (podman or docker), reading their `inspect`
 * JSON, and the pure comparison of a container with the wanted one.  No
 * host access here, so unit tests call everything directly.
 */
#ifndef CAIRN_CONTAINER_H
#define CAIRN_CONTAINER_H

#include "util.h"
#include "value.h"

/*
 * Shell lines that set e to the engine: "podman" or "docker" as given, or
 * for "auto" (or NULL) whichever the target has, podman first; exits 127
 * with a message when there is none.
 */
void		 container_engine_script(struct buf *, const char *engine);

/*
 * The first element of an `inspect` JSON list, a new reference; NULL for
 * an empty list.  -1 and *cause for malformed JSON.
 */
int		 container_inspect_first(const char *, size_t,
		    struct value **, char **cause);

/* An image id without the "sha256:" docker puts in front. */
const char	*container_id_strip(const char *);

/*
 * inspect["A"]["B"]...: follows a NULL-terminated path of keys through
 * dicts.  The value found (borrowed), or NULL.
 */
struct value	*container_get(const struct value *, ...);
/*
 * A new list of strings from a list value (items stringified) or a
 * string (one item); empty for anything else.
 */
struct value	*container_strings(const struct value *);

/* One published port: "[ip:][host:]container[/proto]". */
struct container_port {
	char	ip[64];		/* "" for all addresses */
	char	host[16];	/* "" for a random port */
	char	port[16];
	char	proto[8];	/* tcp (default), udp, sctp */
};
int		 container_port_parse(const char *, struct container_port *,
		    char **cause);

/* The container the task asks for; values are borrowed. */
struct container_want {
	const char		*image_id;	/* resolved on the target, or NULL */
	const char		*image;		/* as given */
	struct value		*command;	/* list of strings, or NULL */
	struct value		*entrypoint;	/* list of strings, or NULL */
	struct value		*env;		/* dict, or NULL */
	struct value		*ports;		/* list of specs, or NULL */
	struct value		*volumes;	/* list of specs, or NULL */
	struct value		*labels;	/* dict, or NULL */
	const char		*restart_policy;
	const char		*network_mode;
	const char		*working_dir;
	const char		*user;
	const char		*hostname;
};

/*
 * container-compare.c.  Compares a container's inspect dict with the
 * wanted settings.  Returns how many settings differ; for each, before
 * and after (dicts, may be NULL) get the current and wanted value under
 * the parameter's name.
 * Unspecified settings are not compared; env and labels compare only the
 * keys asked for (the image adds its own).
 */
int		 container_differences(const struct value *inspect,
		    const struct container_want *, struct value *before,
		    struct value *after);

/*
 * Appends the options of `create`/`run` for the wanted container and
 * then its image and command, as shell words.  -1 and *cause for a bad
 * port or volume.
 */
int		 container_create_args(struct buf *, const char *name,
		    const struct container_want *, char **cause);

/* 1 if the inspect dict says the container runs. */
int		 container_running(const struct value *inspect);

/* Splits "name:tag" (not a registry's ":port"); tag may be "" */
void		 container_image_split(const char *, char **name, char **tag);

/*
 * The image step after the preamble (e, i set): the image's id, pulled
 * when missing ("missing"), always ("always") or never ("never": a missing
 * image fails).  Prints "id=ID", and "pull=1" when a pull changed (in
 * check mode: would be needed).
 */
void		 container_pull_script(struct buf *, const char *pull,
		    int check);
/* From that output: the id (malloc'd, NULL when empty), *pulled. */
char		*container_pull_parse(const char *out, int *pulled);

enum container_action {
	CA_NONE,
	CA_CREATE,	/* remove the old one if any, create (and run) */
	CA_START,
	CA_RESTART,
	CA_STOP,
};
/*
 * What a container with state present, started or stopped needs: created
 * when missing, different (diffs > 0) or recreate; else started,
 * restarted (force_restart) or stopped.
 */
enum container_action container_decide(int exists, int running, int diffs,
		    int recreate, int want_run, int stopped, int force_restart);

/*
 * The reference an image task names: name with its own tag or digest, or
 * with tag (when not empty) appended.  malloc'd.
 */
char		*container_image_ref(const char *name, const char *tag);

#endif
