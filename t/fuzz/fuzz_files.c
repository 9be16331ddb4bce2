/*
 * NAME
 *	fuzz_files 3
 * SUMMARY
 *	the files a fuzzed configuration may read
 * SYNOPSIS
 *	link with -Wl,--wrap=textfile_read; compile lib/conf_incident.c
 *	with -Dopen=fuzz_files_open
 * DESCRIPTION
 *	A fuzzed configuration names files (file:/path lists,
 *	SenderLoginMap, AlertTemplate, AlertContacts, ReleaseSecret,
 *	RedisPassword file:/path); reading whatever it names would read,
 *	or hang on, any file of the host. textfile_read() is replaced by
 *	__wrap_textfile_read(), which serves the few fixed texts below by
 *	name and refuses every other path, and the open() that reads a
 *	secret is replaced by fuzz_files_open(), which refuses all.
 * DIAGNOSTICS
 *	A refused path is reported in errors as "PATH: no such file".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"
#include "textfile.h"

char   *__wrap_textfile_read(const char *path, struct strlist *errors);
int	fuzz_files_open(const char *path, int flags, ...);

static const struct {
	const char *path;
	const char *text;
} files[] = {
	{"/fuzz/list", "10.1.0.0/16\n# a comment\nexample.com\n\n"},
	{"/fuzz/senders", "alice@example.net  alice, alice@example.net\n"
	    "@shop.example.net  shopadmin\n"},
	{"/fuzz/contacts", "0.0.0.0/0  noc@example.net\n"
	    "192.0.2.0/24  ops@customer.example\n"},
	{"/fuzz/alert", "From: abuse@example.net\nTo: ${to}\n"
	    "Subject: on hold until ${expires}\n\n${ip} ${login} ${rule}\n"},
};

/* __wrap_textfile_read - a copy of a fixed text, or NULL and why */
char *
__wrap_textfile_read(const char *path, struct strlist *errors)
{
	size_t i;
	char *text;

	for (i = 0; path != NULL && i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(path, files[i].path) == 0) {
			if ((text = strdup(files[i].text)) == NULL)
				strlist_add(errors, "out of memory");
			return text;
		}
	strlist_addf(errors, "%s: no such file", path ? path : "(null)");
	return NULL;
}

/* fuzz_files_open - refuse to open anything */
int
fuzz_files_open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	errno = ENOENT;
	return -1;
}
