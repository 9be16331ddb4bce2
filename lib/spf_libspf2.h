/*
 * NAME
 *	spf_libspf2 3h
 * SUMMARY
 *	libspf2's headers, beside spf_result.h
 * SYNOPSIS
 *	#include "spf_libspf2.h"
 * DESCRIPTION
 *	libspf2 names its results SPF_RESULT_PASS and so on, as
 *	spf_result.h does. Through this header its set is called
 *	LIBSPF2_RESULT_PASS and so on instead, so that a file can use
 *	both: spf.c, which maps one set to the other, and the SPF fuzz
 *	target, which compiles terms through libspf2. It includes
 *	spf2/spf.h and spf2/spf_dns_zone.h.
 * DIAGNOSTICS
 *	None.
 */
#ifndef ISO_SPF_LIBSPF2_H
#define ISO_SPF_LIBSPF2_H

#include <sys/socket.h>
#include <netinet/in.h>

#define SPF_RESULT_INVALID	LIBSPF2_RESULT_INVALID
#define SPF_RESULT_NEUTRAL	LIBSPF2_RESULT_NEUTRAL
#define SPF_RESULT_PASS		LIBSPF2_RESULT_PASS
#define SPF_RESULT_FAIL		LIBSPF2_RESULT_FAIL
#define SPF_RESULT_SOFTFAIL	LIBSPF2_RESULT_SOFTFAIL
#define SPF_RESULT_NONE		LIBSPF2_RESULT_NONE
#define SPF_RESULT_TEMPERROR	LIBSPF2_RESULT_TEMPERROR
#define SPF_RESULT_PERMERROR	LIBSPF2_RESULT_PERMERROR
#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>
#undef SPF_RESULT_INVALID
#undef SPF_RESULT_NEUTRAL
#undef SPF_RESULT_PASS
#undef SPF_RESULT_FAIL
#undef SPF_RESULT_SOFTFAIL
#undef SPF_RESULT_NONE
#undef SPF_RESULT_TEMPERROR
#undef SPF_RESULT_PERMERROR

#endif
