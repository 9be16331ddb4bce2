/*
 * NAME
 *	conf_dump 3
 * SUMMARY
 *	the configuration in effect, as a configuration file
 * SYNOPSIS
 *	#include "conf.h"
 *
 *	int conf_dump(const struct conf *conf, FILE *fp);
 * DESCRIPTION
 *	See conf.h. Keys come in the order of the key table, then the
 *	Action.<rule id> keys in the order of the rule table. A value is
 *	printed as the file wrote it (or as the table writes the default),
 *	with a # that follows white space escaped as \#, so that the
 *	comment that ends each line is the only one.
 *
 *	The lines of SPFAction add to its default lines instead of
 *	replacing them: a default line is printed unless a line of the
 *	file names the same first word (the SPF result), so that the dump
 *	shows every result's action and a dump of the dump is the same.
 * DIAGNOSTICS
 *	-1 when fp reports a write error, else 0.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_value.h"

#define COMMENT_COLUMN	48	/* where "# origin" starts if it fits */

/* put_value - a value, a # that follows white space (or starts it) as \#;
 * the number of octets written */
static size_t
put_value(FILE *fp, const char *value, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (value[i] == '#' &&
		    (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t')) {
			fputc('\\', fp);
			n++;
		}
		fputc(value[i], fp);
		n++;
	}
	return n;
}

/* put_line - "Key value", padded, then "# " and the origin */
static void
put_line(FILE *fp, const char *prefix, const char *name, const char *value,
    size_t len, const char *origin, int line)
{
	size_t n;

	n = (size_t)fprintf(fp, "%s%s", prefix, name);
	if (len > 0) {
		fputc(' ', fp);
		n += 1 + put_value(fp, value, len);
	}
	fprintf(fp, "%*s# %s", n + 4 < COMMENT_COLUMN ?
	    (int)(COMMENT_COLUMN - n) : 4, "", origin);
	if (line > 0)
		fprintf(fp, ":%d", line);
	fputc('\n', fp);
}

/* word_len - the length of the first word of s */
static size_t
word_len(const char *s)
{
	return strcspn(s, " \t\n");
}

/* overridden - does a line of the file set the first word of a default line? */
static int
overridden(const struct conf *conf, const struct key *key, const char *def)
{
	size_t i, n = word_len(def);

	for (i = 0; i < conf->n_lines; i++)
		if (conf->lines[i].key == key->name &&
		    word_len(conf->lines[i].value) == n &&
		    strncasecmp(conf->lines[i].value, def, n) == 0)
			return 1;
	return 0;
}

/* put_default - a key's default, each of its lines the file leaves */
static void
put_default(const struct conf *conf, const struct key *key, FILE *fp)
{
	const char *p, *nl;
	size_t len;

	for (p = key->def;; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (!overridden(conf, key, p))
			put_line(fp, "", key->name, p, len, "default", 0);
		if (nl == NULL)
			return;
	}
}

/* put_key - one key of the table: its default, its lines of the file */
static void
put_key(const struct conf *conf, const struct key *key, FILE *fp)
{
	const struct conf_line *l;
	size_t i, n = 0;

	for (i = 0; i < conf->n_lines; i++)
		if (conf->lines[i].key == key->name)
			n++;
	/* SPFAction's lines add to its default instead of replacing it */
	if (key->def != NULL && (n == 0 || ((key->kind->flags & KIND_LIST) &&
	    key->kind->clear == NULL)))
		put_default(conf, key, fp);
	else if (n == 0)
		put_line(fp, "#", key->name, "", 0, "default: not set", 0);
	for (i = 0; i < conf->n_lines; i++) {
		l = &conf->lines[i];
		if (l->key == key->name)
			put_line(fp, "", key->name, l->value, strlen(l->value),
			    conf->path, l->line);
	}
}

/* put_action - Action.<rule id>, from the file or the rule's default */
static void
put_action(const struct conf *conf, enum rule_id id, FILE *fp)
{
	const struct conf_line *l;
	const char *def;
	char name[64];
	size_t i;

	snprintf(name, sizeof(name), "Action.%s", rule_name(id));
	for (i = 0; i < conf->n_lines; i++) {
		l = &conf->lines[i];
		if (l->key == NULL && l->rule == id) {
			put_line(fp, "", name, l->value, strlen(l->value),
			    conf->path, l->line);
			return;
		}
	}
	def = action_name(rule_get(id)->default_action);
	put_line(fp, "", name, def, strlen(def), "default", 0);
}

/* conf_dump - the configuration in effect as a file, with the origins */
int
conf_dump(const struct conf *conf, FILE *fp)
{
	const struct key *keys;
	size_t nkeys, i;
	int r;

	keys = conf_key_table(&nkeys);
	for (i = 0; i < nkeys; i++)
		put_key(conf, &keys[i], fp);
	for (r = 0; r < RULE_COUNT; r++)
		put_action(conf, (enum rule_id)r, fp);
	return ferror(fp) ? -1 : 0;
}
