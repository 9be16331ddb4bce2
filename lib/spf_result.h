/*
 * NAME
 *	spf_result 3h
 * SUMMARY
 *	the results of an SPF check, and their names
 * SYNOPSIS
 *	#include "spf_result.h"
 *
 *	const char *spf_result_name(enum spf_result result);
 *	int spf_result_parse(const char *name, enum spf_result *result_r);
 * DESCRIPTION
 *	The result type on its own, so that the policy engine and the
 *	configuration depend on no checker. spf_result_name() gives the
 *	RFC 7208 name ("pass", "temperror", ...); spf_result_parse() maps a
 *	name, in any case, back.
 * DIAGNOSTICS
 *	spf_result_parse() returns 0, or -1 for an unknown name (output
 *	untouched). spf_result_name() of a value out of range is "unknown".
 */
#ifndef ISO_SPF_RESULT_H
#define ISO_SPF_RESULT_H

enum spf_result {
	SPF_RESULT_NONE,
	SPF_RESULT_NEUTRAL,
	SPF_RESULT_PASS,
	SPF_RESULT_FAIL,
	SPF_RESULT_SOFTFAIL,
	SPF_RESULT_TEMPERROR,
	SPF_RESULT_PERMERROR,
	SPF_RESULT_COUNT,
};

const char *spf_result_name(enum spf_result result);
int	spf_result_parse(const char *name, enum spf_result *result_r);

#endif
