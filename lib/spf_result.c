/*
 * NAME
 *	spf_result 3
 * SUMMARY
 *	the names of SPF results
 * SYNOPSIS
 *	#include "spf_result.h"
 */
#include "config.h"

#include <stddef.h>
#include <strings.h>

#include "spf_result.h"

static const char *const result_names[SPF_RESULT_COUNT] = {
	"none", "neutral", "pass", "fail", "softfail", "temperror",
	"permerror",
};

/* spf_result_name - the RFC 7208 name of a result */
const char *
spf_result_name(enum spf_result result)
{
	if ((unsigned)result >= SPF_RESULT_COUNT)
		return "unknown";
	return result_names[result];
}

/* spf_result_parse - a result by name, any case; 0 or -1 */
int
spf_result_parse(const char *name, enum spf_result *result_r)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < SPF_RESULT_COUNT; i++) {
		if (strcasecmp(name, result_names[i]) == 0) {
			*result_r = (enum spf_result)i;
			return 0;
		}
	}
	return -1;
}
