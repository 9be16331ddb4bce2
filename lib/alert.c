/*
 * NAME
 *	alert 3
 * SUMMARY
 *	the customer's alert mail: a template file, its variables, the
 *	rendered message
 * SYNOPSIS
 *	#include "alert.h"
 * DESCRIPTION
 *	See alert.h. The file is compiled once into a list of pieces:
 *	literal text (with $$ already one dollar, CR LF already LF) and
 *	variables, and the index of the first piece of the body; rendering
 *	walks the list once and never looks at a value's content except to
 *	neutralise it.
 * DIAGNOSTICS
 *	Every problem of a template is reported, one "file:line: message"
 *	each, except that a header line that is not one ends the header
 *	checks (it most likely is the body, after a missing blank line).
 *	The loader allocates through conf_realloc(): out of memory is one
 *	more problem ("file: out of memory"), never an exit, so that a
 *	reload that runs out keeps the running configuration.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert.h"
#include "conf_alloc.h"
#include "textfile.h"

#define SHAPE	"(a template is header lines, a blank line, the body)"

/* The variables, in the order of struct alert_vars. */
static const struct {
	const char *name;
	size_t	off;
} vars[] = {
	{"to", offsetof(struct alert_vars, to)},
	{"ip", offsetof(struct alert_vars, ip)},
	{"login", offsetof(struct alert_vars, login)},
	{"rule", offsetof(struct alert_vars, rule)},
	{"reason", offsetof(struct alert_vars, reason)},
	{"evidence", offsetof(struct alert_vars, evidence)},
	{"expires", offsetof(struct alert_vars, expires)},
	{"support", offsetof(struct alert_vars, support)},
	{"release_code", offsetof(struct alert_vars, release_code)},
};

#define N_VARS	(sizeof(vars) / sizeof(vars[0]))

/* One piece of a template: literal text, or a variable. */
struct piece {
	int	var;			/* index into vars, -1: literal */
	size_t	off, len;		/* literal: where in lit */
};

struct alert_template {
	char   *lit;			/* every literal, one after another */
	size_t	lit_len;
	struct piece *v;
	size_t	n, cap;
	size_t	body;			/* index of the first body piece */
	int	oom;			/* loading: an allocation failed */
};

/* A growing output buffer; oom set once an allocation failed. */
struct buf {
	char   *p;
	size_t	len, cap;
	int	oom;
};

/* buf_put - append len octets */
static void
buf_put(struct buf *b, const char *s, size_t len)
{
	size_t cap;
	char *p;

	if (b->oom)
		return;
	if (b->cap - b->len <= len) {
		cap = b->cap ? b->cap : 1024;
		while (cap - b->len <= len)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

/* add_piece - append a piece to the template; t->oom set if it cannot */
static void
add_piece(struct alert_template *t, int var, size_t off, size_t len)
{
	struct piece *v;
	size_t cap;

	if (var < 0 && len == 0)
		return;
	/* consecutive literals are one piece */
	if (var < 0 && t->n > 0 && t->n > t->body && t->v[t->n - 1].var < 0 &&
	    t->v[t->n - 1].off + t->v[t->n - 1].len == off) {
		t->v[t->n - 1].len += len;
		return;
	}
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 32;
		if ((v = conf_realloc(t->v, cap * sizeof(*v))) == NULL) {
			t->oom = 1;
			return;
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].var = var;
	t->v[t->n].off = off;
	t->v[t->n].len = len;
	t->n++;
}

/* add_literal - copy len octets into the literal text and the pieces */
static void
add_literal(struct alert_template *t, const char *s, size_t len)
{
	size_t off = t->lit_len;

	memcpy(t->lit + t->lit_len, s, len);
	t->lit_len += len;
	add_piece(t, -1, off, len);
}

/* find_var - index of a variable name of len octets, -1 if unknown */
static int
find_var(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_VARS; i++)
		if (strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* compile_line - one line (without its LF) into pieces; 0, or -1 after
 * reporting an error */
static int
compile_line(struct alert_template *t, const char *path, unsigned line,
    const char *s, struct strlist *errors)
{
	const char *p, *end;
	int var, rc = 0;

	while ((p = strchr(s, '$')) != NULL) {
		add_literal(t, s, (size_t)(p - s));
		if (p[1] == '$') {
			add_literal(t, "$", 1);
			s = p + 2;
			continue;
		}
		if (p[1] != '{') {
			strlist_addf(errors, "%s:%u: a $ starts a variable "
			    "${name}; write $$ for a dollar sign", path, line);
			return -1;
		}
		if ((end = strchr(p + 2, '}')) == NULL) {
			strlist_addf(errors, "%s:%u: unterminated ${", path,
			    line);
			return -1;
		}
		if ((var = find_var(p + 2, (size_t)(end - p - 2))) < 0) {
			strlist_addf(errors, "%s:%u: unknown variable ${%.*s}",
			    path, line, (int)(end - p - 2 > 64 ? 64 :
			    end - p - 2), p + 2);
			rc = -1;
		} else
			add_piece(t, var, 0, 0);
		s = end + 1;
	}
	add_literal(t, s, strlen(s));
	add_literal(t, "\n", 1);
	return rc;
}

/* header_line - 1 if s is "Name: ..." (RFC 5322 field name) */
static int
header_line(const char *s)
{
	const char *p;

	for (p = s; *p > 32 && *p < 127 && *p != ':'; p++)
		;
	return p > s && *p == ':';
}

/* alert_template_load - compile a template file; NULL after errors */
struct alert_template *
alert_template_load(const char *path, struct strlist *errors)
{
	enum { TOP, HEADER, BODY } where = TOP;
	struct alert_template *t;
	size_t len;
	unsigned line = 0, last_header = 0;
	int has_to = 0, bad = 0;
	char *text, *s, *nl;

	if ((text = textfile_read(path, errors)) == NULL)
		return NULL;
	if ((t = conf_realloc(NULL, sizeof(*t))) == NULL) {
		strlist_addf(errors, "%s: out of memory", path);
		free(text);
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	/* literals never outgrow the file: $$ shrinks, a LF is kept */
	if ((t->lit = conf_realloc(NULL, strlen(text) + 2)) == NULL)
		t->oom = 1;
	for (s = text; *s != '\0' && !t->oom;
	    s = nl != NULL ? nl + 1 : s + len) {
		line++;
		if ((nl = strchr(s, '\n')) != NULL)
			*nl = '\0';
		len = strlen(s);
		if (len > 0 && s[len - 1] == '\r')
			s[--len] = '\0';
		if (where == TOP && (*s == '#' || *s == '\0'))
			continue;
		if (where != BODY && *s == '\0') {
			where = BODY;
			t->body = t->n;
			add_literal(t, "\n", 1);
			continue;
		}
		if (where == TOP && !header_line(s)) {
			strlist_addf(errors, "%s:%u: not a header line "
			    "(\"Name: value\") " SHAPE, path, line);
			bad = 1;
			where = BODY;
			t->body = t->n;
		} else if (where == HEADER && !header_line(s) &&
		    *s != ' ' && *s != '\t') {
			strlist_addf(errors, "%s:%u: not a header line "
			    "(\"Name: value\"); is the blank line after the "
			    "header missing? " SHAPE, path, line);
			bad = 1;
			where = BODY;
			t->body = t->n;
		} else if (where != BODY) {
			where = HEADER;
			last_header = line;
			if (strncasecmp(s, "to:", 3) == 0)
				has_to = 1;
		}
		if (compile_line(t, path, line, s, errors) < 0)
			bad = 1;
	}
	free(text);
	if (t->oom) {
		strlist_addf(errors, "%s: out of memory", path);
		bad = 1;
	} else if (where == TOP) {
		strlist_addf(errors, "%s: no header lines " SHAPE, path);
		bad = 1;
	} else if (where == HEADER) {
		strlist_addf(errors, "%s:%u: no blank line after the header "
		    SHAPE, path, last_header);
		bad = 1;
	} else if (!has_to) {
		strlist_addf(errors, "%s: no To: header", path);
		bad = 1;
	}
	if (bad) {
		alert_template_free(t);
		return NULL;
	}
	return t;
}

/* put_value - a variable's value, neutralised for header or body */
static void
put_value(struct buf *b, const char *v, int header)
{
	const unsigned char *p;
	const char *run;

	for (run = v, p = (const unsigned char *)v; *p != '\0'; p++) {
		if (header ? (*p >= 32 && *p < 127) :
		    (*p >= 32 ? *p != 127 : *p == '\t'))
			continue;
		buf_put(b, run, (size_t)((const char *)p - run));
		buf_put(b, "?", 1);
		run = (const char *)p + 1;
	}
	buf_put(b, run, strlen(run));
}

/* empty_to - 1 if a To: field of the rendered header holds no text */
static int
empty_to(const char *h, size_t len)
{
	const char *p = h, *end = h + len, *q;
	int in_to = 0, seen = 0;

	for (; p < end; p = q + 1) {
		if ((q = memchr(p, '\n', (size_t)(end - p))) == NULL)
			q = end;
		if (*p == ' ' || *p == '\t') {
			/* a continuation line: text in it fills the field */
			if (in_to && p + strspn(p, " \t") < q)
				seen = 1;
			continue;
		}
		if (in_to && !seen)
			return 1;
		in_to = q - p >= 3 && strncasecmp(p, "to:", 3) == 0;
		if (in_to)
			seen = p + 3 + strspn(p + 3, " \t") < q;
	}
	return in_to && !seen;
}

/* alert_render - the message of one alert, in *msg_r (free it) */
int
alert_render(const struct alert_template *t, const struct alert_vars *v,
    char **msg_r, char *err, size_t errlen)
{
	struct buf b = {NULL, 0, 0, 0};
	const struct piece *pc;
	const char *value;
	size_t i, header_len = 0;

	for (i = 0; i < t->n; i++) {
		if (i == t->body)
			header_len = b.len;
		pc = &t->v[i];
		if (pc->var < 0) {
			buf_put(&b, t->lit + pc->off, pc->len);
			continue;
		}
		memcpy(&value, (const char *)v + vars[pc->var].off,
		    sizeof(value));
		put_value(&b, value != NULL ? value : "", i < t->body);
	}
	if (t->body == t->n)
		header_len = b.len;
	if (b.len == 0 || b.p[b.len - 1] != '\n')
		buf_put(&b, "\n", 1);
	if (b.oom) {
		free(b.p);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (empty_to(b.p, header_len)) {
		free(b.p);
		snprintf(err, errlen, "the To: header is empty");
		return -1;
	}
	*msg_r = b.p;
	return 0;
}

/* alert_template_free - release a template; NULL is fine */
void
alert_template_free(struct alert_template *t)
{
	if (t == NULL)
		return;
	free(t->lit);
	free(t->v);
	free(t);
}
