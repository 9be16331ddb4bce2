/*
 * NAME
 *	check_alert 1
 * SUMMARY
 *	unit tests for lib/alert.c
 * SYNOPSIS
 *	check_alert
 * DESCRIPTION
 *	From tables with want_* fields: templates that must be refused,
 *	each problem as "file:line: message"; and templates rendered with
 *	values that come from clients (CR, LF, control octets, UTF-8, a
 *	value that looks like a variable, a huge value, an empty To:),
 *	compared with the exact message wanted. The shipped
 *	etc/alert.txt must load and use every variable ($srcdir, as make
 *	check sets it; skipped without).
 * DIAGNOSTICS
 *	Exit status 0 when every test passed, 1 otherwise.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"

#define NCASES(t)	((int)(sizeof(t) / sizeof((t)[0])))
#define SHAPE	"(a template is header lines, a blank line, the body)"

/* load_text - a template from text, through a temporary file */
static struct alert_template *
load_text(const char *text, struct strlist *errors, char *path)
{
	struct alert_template *t;
	int fd;
	FILE *fp;

	strcpy(path, "/tmp/check_alert.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	t = alert_template_load(path, errors);
	unlink(path);
	return t;
}

static const struct {
	const char *text;
	const char *want[3];		/* after the path; NULL ends */
} bad[] = {
	{"To: ${to}\n\nHello ${foo}\n",
	    {":3: unknown variable ${foo}"}},
	{"To: ${to}\nSubject: ${Rule}\n\nHello ${ip} ${bar}\n",
	    {":2: unknown variable ${Rule}", ":4: unknown variable ${bar}"}},
	{"To: ${to}\n\nHello ${}\n", {":3: unknown variable ${}"}},
	{"To: ${to}\n\nHello ${ip\nthere}\n", {":3: unterminated ${"}},
	{"To: ${to}\n\nIt costs $5\n",
	    {":3: a $ starts a variable ${name}; write $$ for a dollar sign"}},
	{"To: ${to}\n\nends in $", {":3: a $ starts a variable ${name}; "
	    "write $$ for a dollar sign"}},
	{"", {": no header lines " SHAPE}},
	{"# only a comment\n\n# and another\n",
	    {": no header lines " SHAPE}},
	{"To: ${to}\nSubject: hello\n",
	    {":2: no blank line after the header " SHAPE}},
	{"To: ${to}\nSubject: hello\n continued",
	    {":3: no blank line after the header " SHAPE}},
	{"To: ${to}\nHello there,\nbody\n",
	    {":2: not a header line (\"Name: value\"); is the blank line "
	    "after the header missing? " SHAPE}},
	{"Hello\n\nbody\n", {":1: not a header line (\"Name: value\") "
	    SHAPE, ": no To: header"}},
	{" To: ${to}\n\nbody\n", {":1: not a header line (\"Name: value\") "
	    SHAPE, ": no To: header"}},
	{"From: abuse@example.net\n\nbody ${to}\n", {": no To: header"}},
	{"# comments only at the top\nTo: ${to}\n# not here\n\nbody\n",
	    {":3: not a header line (\"Name: value\"); is the blank line "
	    "after the header missing? " SHAPE}},
};

START_TEST(test_bad)
{
	struct strlist errors = {NULL, 0, 0};
	char path[64];
	size_t i, n = 0, plen;

	ck_assert_ptr_null(load_text(bad[_i].text, &errors, path));
	plen = strlen(path);
	while (n < 3 && bad[_i].want[n] != NULL)
		n++;
	ck_assert_uint_eq(errors.n, n);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(strncmp(errors.v[i], path, plen), 0);
		ck_assert_str_eq(errors.v[i] + plen, bad[_i].want[i]);
	}
	strlist_clear(&errors);
}
END_TEST

START_TEST(test_unreadable)
{
	struct strlist errors = {NULL, 0, 0};

	ck_assert_ptr_null(alert_template_load("/nonexistent/alert.txt",
	    &errors));
	ck_assert_uint_eq(errors.n, 1);
	ck_assert_str_eq(errors.v[0], "/nonexistent/alert.txt: cannot open: "
	    "No such file or directory");
	strlist_clear(&errors);
	alert_template_free(NULL);
}
END_TEST

#define ALL_VARS "${to}|${ip}|${login}|${rule}|${reason}|${evidence}|" \
	"${expires}|${support}|${release_code}|$$|$${to}"

static const struct alert_vars plain = {
	"alice@example.net", "192.0.2.7", "alice", "inbound.customer_direct",
	"a customer address talked to the MX", "helo=bot.example",
	"2026-11-28 10:00 UTC", "+1 555 0100", "OQEY-2LOW-GMGO-QFBX",
};

static const struct {
	const char *text;
	struct alert_vars vars;		/* all NULL: the values of plain */
	const char *want;		/* NULL: want_err */
	const char *want_err;
} renders[] = {
	/* every variable, $$, and $${to} as text */
	{"To: ${to}\nSubject: " ALL_VARS "\n\n" ALL_VARS "\n", {0},
	    "To: alice@example.net\nSubject: alice@example.net|192.0.2.7|"
	    "alice|inbound.customer_direct|a customer address talked to the "
	    "MX|helo=bot.example|2026-11-28 10:00 UTC|+1 555 0100|"
	    "OQEY-2LOW-GMGO-QFBX|$|${to}\n\nalice@example.net|192.0.2.7|"
	    "alice|inbound.customer_direct|a customer address talked to the "
	    "MX|helo=bot.example|2026-11-28 10:00 UTC|+1 555 0100|"
	    "OQEY-2LOW-GMGO-QFBX|$|${to}\n", NULL},
	/* a value that looks like a variable stays as it is */
	{"To: ${to}\nSubject: ${reason}\n\n${reason} ${evidence}\n",
	    {"a@example.net", NULL, NULL, NULL, "${to}", "$${ip}${x", NULL,
	    NULL, NULL},
	    "To: a@example.net\nSubject: ${to}\n\n${to} $${ip}${x\n", NULL},
	/* CR and LF never start a header line nor break the body */
	{"To: ${to}\nSubject: ${reason}\n\n[${reason}]\n",
	    {"a@example.net", NULL, NULL, NULL,
	    "x\r\nBcc: evil@example.org\r\n\r\nbody", NULL, NULL, NULL, NULL},
	    "To: a@example.net\nSubject: x??Bcc: evil@example.org????body\n"
	    "\n[x??Bcc: evil@example.org????body]\n", NULL},
	/* control octets: a tab stays in the body only; DEL goes */
	{"To: ${to}\nX-Evidence: ${evidence}\n\n${evidence}\n",
	    {"a@example.net", NULL, NULL, NULL, NULL,
	    "a\tb\x01" "c\x1b[31md\x7f" "e\x0c", NULL, NULL, NULL},
	    "To: a@example.net\nX-Evidence: a?b?c?[31md?e?\n\n"
	    "a\tb?c?[31md?e?\n", NULL},
	/* UTF-8: kept in the body, "?" per octet in the header */
	{"To: ${to}\nSubject: ${login}\n\nHallo ${login}, schöne Grüße\n",
	    {"a@example.net", NULL, "J\xc3\xb6rg", NULL, NULL, NULL, NULL,
	    NULL, NULL},
	    "To: a@example.net\nSubject: J??rg\n\nHallo J\xc3\xb6rg, "
	    "sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9f" "e\n", NULL},
	/* NULL values render empty; the message always ends in LF */
	{"To: ${to}\nSubject: [${ip}][${login}]\n\n[${support}]", {
	    "a@example.net", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	    "To: a@example.net\nSubject: [][]\n\n[]\n", NULL},
	/* CR LF in the template becomes LF; comments at the top go */
	{"# a comment\r\n\r\n# another\r\nTo: ${to}\r\n\r\n# text\r\nbye\r\n",
	    {"a@example.net", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL}, "To: a@example.net\n\n# text\nbye\n", NULL},
	/* an empty body, a folded To: */
	{"To:\n ${to}\n\n", {"a@example.net", NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL}, "To:\n a@example.net\n\n", NULL},
	/* an empty To: is refused, however it is empty */
	{"To: ${to}\n\nbody\n", {"", NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL}, NULL, "the To: header is empty"},
	{"To: ${to}\n\nbody\n", {NULL, "192.0.2.7", NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL}, NULL, "the To: header is empty"},
	{"Subject: x\nto:   ${to}\t\n\nbody\n", {"", NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL}, NULL, "the To: header is empty"},
	{"To:\n ${to}\nSubject: x\n\n", {"", NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL}, NULL, "the To: header is empty"},
	{"To: a@example.net\nTo: ${to}\n\n", {"", NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL}, NULL, "the To: header is empty"},
	/* a fixed To: needs no variable */
	{"To: noc@example.net\n\n${to}\n", {"", NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL}, "To: noc@example.net\n\n\n", NULL},
};

START_TEST(test_render)
{
	struct strlist errors = {NULL, 0, 0};
	struct alert_template *t;
	static const struct alert_vars no_vars;
	struct alert_vars v = renders[_i].vars;
	char path[64], err[128], *msg = (char *)"sentinel";
	int rc;

	if (memcmp(&v, &no_vars, sizeof(v)) == 0)
		v = plain;
	t = load_text(renders[_i].text, &errors, path);
	ck_assert_uint_eq(errors.n, 0);
	ck_assert_ptr_nonnull(t);
	strcpy(err, "sentinel");
	rc = alert_render(t, &v, &msg, err, sizeof(err));
	if (renders[_i].want_err != NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, renders[_i].want_err);
		ck_assert_str_eq(msg, "sentinel");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(msg, renders[_i].want);
		free(msg);
	}
	alert_template_free(t);
}
END_TEST

START_TEST(test_to_lf)
{
	/* a recipient with a LF cannot add a Cc: line of its own */
	struct strlist errors = {NULL, 0, 0};
	struct alert_template *t;
	struct alert_vars v = {"a@example.net\nCc: b@example.org", NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL};
	char path[64], err[128], *msg;

	t = load_text("To: ${to}\n\n${to}\n", &errors, path);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(alert_render(t, &v, &msg, err, sizeof(err)), 0);
	ck_assert_str_eq(msg, "To: a@example.net?Cc: b@example.org\n\n"
	    "a@example.net?Cc: b@example.org\n");
	free(msg);
	alert_template_free(t);
}
END_TEST

START_TEST(test_huge_value)
{
	struct strlist errors = {NULL, 0, 0};
	struct alert_template *t;
	struct alert_vars v = plain;
	size_t n = 4 * 1024 * 1024;
	char path[64], err[128], *msg, *p, *big = malloc(n + 1);
	int lines = 0;

	ck_assert_ptr_nonnull(big);
	memset(big, 'e', n);
	big[n] = '\0';
	big[n / 2] = '\n';
	v.evidence = big;
	t = load_text("To: ${to}\nX-E: ${evidence}\n\n<${evidence}>\n",
	    &errors, path);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(alert_render(t, &v, &msg, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(msg), strlen("To: alice@example.net\nX-E: "
	    "\n\n<>\n") + 2 * n);
	/* the LF inside became "?" twice: the message has its 4 lines */
	for (p = msg; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_int_eq(lines, 4);
	ck_assert_ptr_nonnull(strstr(msg, "e?e"));
	free(msg);
	free(big);
	alert_template_free(t);
}
END_TEST

START_TEST(test_shipped_template)
{
	const char *srcdir = getenv("srcdir");
	struct strlist errors = {NULL, 0, 0};
	struct alert_template *t;
	char path[4096], err[128], *msg;
	size_t i;
	static const char *const want[] = {
		"To: alice@example.net\n", "192.0.2.7", "alice",
		"inbound.customer_direct",
		"a customer address talked to the MX",
		"helo=bot.example", "2026-11-28 10:00 UTC", "+1 555 0100",
		"OQEY-2LOW-GMGO-QFBX", "\n\nHello,\n",
	};

	if (srcdir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/etc/alert.txt", srcdir);
	t = alert_template_load(path, &errors);
	for (i = 0; i < errors.n; i++)
		fprintf(stderr, "%s\n", errors.v[i]);
	ck_assert_uint_eq(errors.n, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(alert_render(t, &plain, &msg, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(msg, want[i]) != NULL, "no \"%s\" in:\n%s",
		    want[i], msg);
	ck_assert_ptr_null(strstr(msg, "${"));
	ck_assert_ptr_null(strstr(msg, "\n#"));
	ck_assert_int_eq(strncmp(msg, "From: ", 6), 0);
	free(msg);
	alert_template_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alert");
	TCase *tc_load = tcase_create("load");
	TCase *tc_render = tcase_create("render");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc_load, test_bad, 0, NCASES(bad));
	tcase_add_test(tc_load, test_unreadable);
	tcase_add_test(tc_load, test_shipped_template);
	suite_add_tcase(s, tc_load);
	tcase_add_loop_test(tc_render, test_render, 0, NCASES(renders));
	tcase_add_test(tc_render, test_to_lf);
	tcase_add_test(tc_render, test_huge_value);
	tcase_set_timeout(tc_render, 30);
	suite_add_tcase(s, tc_render);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
