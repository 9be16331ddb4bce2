/*
 * NAME
 *	textfile 3h
 * SUMMARY
 *	a whole configuration-like text file in memory
 * SYNOPSIS
 *	#include "textfile.h"
 *
 *	char *textfile_read(const char *path, struct strlist *errors);
 *	char *textfile_line(char **cursor);
 * DESCRIPTION
 *	Reads the configuration file and the SenderLoginMap alike: the whole
 *	file as one NUL-terminated string, refused when it holds a NUL octet
 *	(the parsers would stop there without a word) or is larger than
 *	TEXTFILE_MAX.
 *
 *	textfile_line() cuts the next line off the text at *cursor (in
 *	place: the text must be writable), without its line end and with
 *	leading and trailing white space removed, and moves *cursor past
 *	it; NULL when the text is used up. Every line counts, blank or not,
 *	so callers number lines as they come.
 * DIAGNOSTICS
 *	NULL after appending "path: what is wrong" to errors: cannot open,
 *	read error, file too large, NUL byte in file, out of memory (files
 *	are read at start and on reload, through conf_realloc(): a reload
 *	that runs out keeps the running configuration). The caller frees
 *	the text.
 */
#ifndef ISO_TEXTFILE_H
#define ISO_TEXTFILE_H

#include "strlist.h"

#define TEXTFILE_MAX	(256 * 1024 * 1024)

char   *textfile_read(const char *path, struct strlist *errors);
char   *textfile_line(char **cursor);

#endif
