/*
 * NAME
 *	alert 3h
 * SUMMARY
 *	the customer's alert mail: a template file, its variables, the
 *	rendered message
 * SYNOPSIS
 *	#include "alert.h"
 *
 *	struct alert_template *alert_template_load(const char *path,
 *	    struct strlist *errors);
 *	int alert_render(const struct alert_template *t,
 *	    const struct alert_vars *vars, char **msg_r, char *err,
 *	    size_t errlen);
 *	void alert_template_free(struct alert_template *t);
 * DESCRIPTION
 *	A template (AlertTemplate, etc/alert.txt) is a mail message: header
 *	lines, a blank line, the body. Lines that start with "#" at the very
 *	top of the file, before the first header line (and blank lines
 *	among them), are comments and are skipped: a mail header has no
 *	comment lines, so that is the only place for the annotations;
 *	elsewhere a "#" is text. ${name} stands for a variable: to, ip,
 *	login, rule, reason, evidence, expires, support, release_code; $$
 *	is a dollar sign. The file is parsed once, when the configuration
 *	is read; an unknown variable, an unterminated ${, any other $, a
 *	line in the header that is neither "Name: value" nor a
 *	continuation, a template without a header, without a blank line
 *	after it or without a To: header is an error "file:line: message".
 *	A CR before a LF is dropped.
 *
 *	Rendering is one pass: a value is inserted as it is and never
 *	scanned for variables again. Values come from clients (a HELO in
 *	the evidence) and from other nodes: in the header every octet
 *	outside printable ASCII becomes "?" so a value can never start a
 *	header line of its own; in the body CR, LF and other control
 *	characters become "?" too (a tab stays). The message ends in LF, as
 *	sendmail -t -i reads it; a NULL variable renders as "".
 * DIAGNOSTICS
 *	alert_template_load() returns NULL after adding to errors.
 *	alert_render() returns 0, or -1 with a message in err (out of
 *	memory, or a To: that renders empty).
 */
#ifndef ISO_ALERT_H
#define ISO_ALERT_H

#include <stddef.h>

#include "strlist.h"

struct alert_vars {
	const char *to;			/* the alert's recipient */
	const char *ip;
	const char *login;
	const char *rule;
	const char *reason;
	const char *evidence;
	const char *expires;		/* "2026-11-28 10:00 UTC" */
	const char *support;		/* SupportContact */
	const char *release_code;	/* "" without ReleaseSecret */
};

struct alert_template;

struct alert_template *alert_template_load(const char *path,
	    struct strlist *errors);
int	alert_render(const struct alert_template *t,
	    const struct alert_vars *vars, char **msg_r, char *err,
	    size_t errlen);
void	alert_template_free(struct alert_template *t);

#endif
