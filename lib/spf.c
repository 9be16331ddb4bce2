/*
 * NAME
 *	spf 3
 * SUMMARY
 *	SPF checks through libspf2, with a deadline
 * SYNOPSIS
 *	#include "spf.h"
 * DESCRIPTION
 *	See spf.h. The DNS layers of a checker, top down: the guard
 *	(spf_input.c: the deadline, the records checked against RFC 7208
 *	before libspf2 compiles them, the lookup limits, the explanation),
 *	then the c-ares layer (spf_new; spf_resolver.c) or libspf2's zone
 *	layer (spf_new_zone).
 *
 *	libspf2 quirks worked around here:
 *	- SPF_request_query_mailfrom() passes any 127/8 or ::1 client
 *	  ("localhost is always allowed"), which RFC 7208 does not say and
 *	  which would wave through test clients on loopback addresses. The
 *	  record is fetched and interpreted here instead, through
 *	  SPF_server_get_record() and SPF_record_interpret(); these need
 *	  the request's cur_dom and the response's spf_record_exp set
 *	  (fields of the structs that the headers expose).
 *	- The zone layer takes an MX record as the host alone; the "pref
 *	  host" of spf_new_zone() is cut to that.
 *	- A temporary DNS failure of the sender's own record, and a record
 *	  that does not compile, leave the result "invalid" with an error
 *	  code only: mapped to temperror and permerror here.
 *	- SPF_error() handlers are noreturn and the default one aborts:
 *	  ours jumps back to the libspf2 call that this module guarded and
 *	  makes the check a temperror (what libspf2 had allocated in that
 *	  call is lost; it never happens with validated inputs).
 *	- The comments start with the receiving host's name ("host: "),
 *	  which why does not repeat.
 *	The others (records it evaluates although RFC 7208 calls them
 *	invalid, prefix length 0, redirect=, the lookup limits, DNS
 *	errors in mx and ptr) are the guard's: see spf_input.h.
 *
 *	Thread safety: a check allocates its own request, response and
 *	record; the SPF_server_t and its DNS layers are only read. State
 *	of one check (the guard's, the error jump) is thread-local.
 *	libspf2's globals are the four log handler pointers, set by
 *	spf_new*() before threads start. The c-ares layer's resolver is
 *	the check's own, made and closed in the check's thread.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "spf.h"
#include "spf_libspf2.h"
#include "spf_input.h"
#include "spf_resolver.h"

#define RECORD_MAX	70000		/* one spf_new_zone() record */

struct spf_checker {
	SPF_server_t *server;
	SPF_dns_server_t *dns;		/* the guard; the rest below it */
	unsigned timeout_ms;		/* spf_check()'s; 0: no deadline */
	unsigned long (*clock_ms)(void);
	int	resolver;		/* the c-ares layer is below */
};

/* what this thread's running call needs; static, so valid after longjmp */
struct spf_call {
	int	guarded;		/* env is set */
	jmp_buf	env;
	char	error[256];		/* what libspf2's SPF_error() said */
};

static __thread struct spf_call spf_call;

/* the libspf2 objects of one check, freed whatever happens */
struct spf_job {
	const struct spf_checker *spf;
	long	timeout_ms;		/* negative: no deadline */
	const struct ipaddr *ip;
	const char *helo;		/* NULL: none */
	const char *env_from;
	SPF_request_t *req;
	SPF_response_t *resp;
	SPF_record_t *rec;
	SPF_errcode_t err;
};

/* spf_sanitise - one printable ASCII line, in place */
static void
spf_sanitise(char *text)
{
	unsigned char *p;

	for (p = (unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
		else if (*p >= 0x80)
			*p = '?';
	}
}

/* spf_vlog - one libspf2 message into log.h, sanitised */
static void
spf_vlog(enum log_level level, const char *file, int line, const char *msg)
{
	char buf[512];

	if (!log_enabled(level))
		return;
	snprintf(buf, sizeof(buf), "%s", msg ? msg : "");
	spf_sanitise(buf);
	if (level == LOG_LEVEL_DEBUG)
		log_debug("libspf2: %s:%d: %s", file ? file : "?", line, buf);
	else
		log_warnx("libspf2: %s:%d: %s", file ? file : "?", line, buf);
}

/* spf_log_error - SPF_error(): back to the guarded call, never abort */
static void __attribute__((noreturn))
spf_log_error(const char *file, int line, const char *msg)
{
	spf_vlog(LOG_LEVEL_WARNING, file, line, msg);
	if (spf_call.guarded) {
		snprintf(spf_call.error, sizeof(spf_call.error), "%s",
		    msg ? msg : "internal error");
		spf_sanitise(spf_call.error);
		spf_call.guarded = 0;
		longjmp(spf_call.env, 1);
	}
	fatalx("libspf2: %s:%d: error outside a guarded call: %s",
	    file ? file : "?", line, msg ? msg : "");
}

/* spf_log_warning - libspf2 warnings */
static void
spf_log_warning(const char *file, int line, const char *msg)
{
	spf_vlog(LOG_LEVEL_WARNING, file, line, msg);
}

/* spf_log_debug - libspf2 info and debugging output */
static void
spf_log_debug(const char *file, int line, const char *msg)
{
	spf_vlog(LOG_LEVEL_DEBUG, file, line, msg);
}

/* spf_log_install - route libspf2's global handlers into log.h */
static void
spf_log_install(void)
{
	SPF_error_handler = spf_log_error;
	SPF_warning_handler = spf_log_warning;
	SPF_info_handler = spf_log_debug;
	SPF_debug_handler = spf_log_debug;
}

/* spf_guarded - run fn(arg) so that SPF_error() returns here; 0 or -1 */
static int
spf_guarded(void (*fn)(void *), void *arg)
{
	spf_call.error[0] = '\0';
	if (setjmp(spf_call.env) != 0)
		return -1;
	spf_call.guarded = 1;
	fn(arg);
	spf_call.guarded = 0;
	return 0;
}

/* spf_monotonic_ms - the real clock */
static unsigned long
spf_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000UL +
	    (unsigned long)ts.tv_nsec / 1000000UL;
}

/* spf_checker_new - allocate, with the handlers in place */
static struct spf_checker *
spf_checker_new(unsigned timeout_ms, unsigned long (*clock_ms)(void),
    char *err, size_t len)
{
	struct spf_checker *spf;

	spf_log_install();
	if ((spf = calloc(1, sizeof(*spf))) == NULL) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	spf->timeout_ms = timeout_ms;
	spf->clock_ms = clock_ms ? clock_ms : spf_monotonic_ms;
	return spf;
}

/* spf_checker_finish - put the deadline layer and the server on below */
static int
spf_checker_finish(struct spf_checker *spf, SPF_dns_server_t *below,
    char *err, size_t len)
{
	if ((spf->dns = spf_guard_new(below, spf->clock_ms)) == NULL) {
		SPF_dns_free(below);
		snprintf(err, len, "out of memory");
		return -1;
	}
	if ((spf->server = SPF_server_new_dns(spf->dns, 0)) == NULL) {
		snprintf(err, len, "cannot create the SPF server");
		return -1;
	}
	return 0;
}

/* the arguments of a guarded construction */
struct spf_build {
	struct spf_checker *spf;
	const char *const *records;
	char	*err;
	size_t	len;
	int	rc;
};

/* spf_build_resolver - layers for the milter's resolver */
static void
spf_build_resolver(void *arg)
{
	struct spf_build *b = arg;
	SPF_dns_server_t *below;

	b->rc = -1;
	if ((below = spf_resolver_new()) == NULL) {
		snprintf(b->err, b->len, "out of memory");
		return;
	}
	b->spf->resolver = 1;
	b->rc = spf_checker_finish(b->spf, below, b->err, b->len);
}

/* spf_word - split off the first word of *p; NULL when none */
static char *
spf_word(char **p)
{
	char *w, *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	*p = s;
	return w;
}

/* spf_zone_add - one "name TYPE data" record; 0, or -1 with err */
static int
spf_zone_add(SPF_dns_server_t *zone, size_t n, const char *record,
    char *err, size_t len)
{
	char *buf, *p, *name, *type, *end;
	unsigned char addr[sizeof(struct in6_addr)];
	ns_type rr_type;
	SPF_dns_stat_t herrno = NETDB_SUCCESS;
	const char *data;
	unsigned long pref;
	int rc = -1;

	if (record == NULL || strlen(record) > RECORD_MAX) {
		snprintf(err, len, "record %zu: missing or too long", n);
		return -1;
	}
	if ((p = buf = strdup(record)) == NULL) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	for (end = buf + strlen(buf); end > buf && isspace((unsigned char)
	    end[-1]); end--)
		end[-1] = '\0';
	if ((name = spf_word(&p)) == NULL || (type = spf_word(&p)) == NULL) {
		snprintf(err, len, "record %zu: want \"name TYPE data\"", n);
		goto out;
	}
	data = p;
	if (strcasecmp(type, "NXDOMAIN") == 0 ||
	    strcasecmp(type, "TEMPFAIL") == 0) {
		if (*data != '\0') {
			snprintf(err, len, "record %zu: %s takes no data", n,
			    type);
			goto out;
		}
		rr_type = ns_t_any;
		herrno = toupper((unsigned char)type[0]) == 'N' ?
		    HOST_NOT_FOUND : TRY_AGAIN;
		data = NULL;
	} else if (*data == '\0') {
		snprintf(err, len, "record %zu: no data", n);
		goto out;
	} else if (strcasecmp(type, "TXT") == 0) {
		rr_type = ns_t_txt;
	} else if (strcasecmp(type, "A") == 0 ||
	    strcasecmp(type, "AAAA") == 0) {
		rr_type = type[1] == '\0' ? ns_t_a : ns_t_aaaa;
		if (inet_pton(rr_type == ns_t_a ? AF_INET : AF_INET6, data,
		    addr) != 1) {
			snprintf(err, len, "record %zu: bad %s address \"%s\"",
			    n, type, data);
			goto out;
		}
	} else if (strcasecmp(type, "MX") == 0) {
		/* the zone layer takes the host alone */
		char *w = spf_word(&p);

		pref = strtoul(w, &end, 10);
		if (*w < '0' || *w > '9' || *end != '\0' || pref > 65535 ||
		    *p == '\0' || strpbrk(p, " \t") != NULL) {
			snprintf(err, len,
			    "record %zu: MX data must be \"preference host\"",
			    n);
			goto out;
		}
		rr_type = ns_t_mx;
		data = p;
	} else if (strcasecmp(type, "PTR") == 0) {
		rr_type = ns_t_ptr;
	} else {
		snprintf(err, len, "record %zu: unknown type \"%s\"", n, type);
		goto out;
	}
	if (SPF_dns_zone_add_str(zone, name, rr_type, herrno, data) !=
	    SPF_E_SUCCESS) {
		snprintf(err, len, "record %zu: the zone refused it", n);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* spf_build_zone - layers for a fixed zone */
static void
spf_build_zone(void *arg)
{
	struct spf_build *b = arg;
	SPF_dns_server_t *zone;
	size_t i;

	b->rc = -1;
	if ((zone = SPF_dns_zone_new(NULL, "zone", 0)) == NULL) {
		snprintf(b->err, b->len, "cannot create the DNS zone layer");
		return;
	}
	for (i = 0; b->records != NULL && b->records[i] != NULL; i++) {
		if (spf_zone_add(zone, i + 1, b->records[i], b->err,
		    b->len) < 0) {
			SPF_dns_free(zone);
			return;
		}
	}
	b->rc = spf_checker_finish(b->spf, zone, b->err, b->len);
}

/* spf_build - run a construction under the guard; the checker or NULL */
static struct spf_checker *
spf_build(void (*fn)(void *), const char *const *records,
    unsigned timeout_ms, unsigned long (*clock_ms)(void), char *err,
    size_t len)
{
	char dummy[1];
	struct spf_build b;

	if (err == NULL || len == 0) {
		err = dummy;
		len = sizeof(dummy);
	}
	b.records = records;
	b.err = err;
	b.len = len;
	b.rc = -1;
	if ((b.spf = spf_checker_new(timeout_ms, clock_ms, err, len)) == NULL)
		return NULL;
	if (spf_guarded(fn, &b) < 0)
		snprintf(err, len, "libspf2: %s", spf_call.error);
	else if (b.rc == 0)
		return b.spf;
	spf_free(b.spf);
	return NULL;
}

/* spf_new - a checker on the milter's resolver */
struct spf_checker *
spf_new(unsigned timeout_ms, char *err, size_t len)
{
	return spf_build(spf_build_resolver, NULL, timeout_ms, NULL, err,
	    len);
}

/* spf_new_zone - a checker on a fixed list of records */
struct spf_checker *
spf_new_zone(const char *const *records, unsigned timeout_ms,
    unsigned long (*clock_ms)(void), char *err, size_t len)
{
	return spf_build(spf_build_zone, records, timeout_ms, clock_ms, err,
	    len);
}

/* spf_free - release a checker and its DNS layers */
void
spf_free(struct spf_checker *spf)
{
	if (spf == NULL)
		return;
	if (spf->server != NULL)
		SPF_server_free(spf->server);
	if (spf->dns != NULL)
		SPF_dns_free(spf->dns);
	free(spf);
}

/*
 * spf_set_why - one sanitised line; without the result's name, which
 * every reader (policy, logs) prints next to it
 */
static void __attribute__((format(printf, 3, 4)))
spf_set_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || why_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	spf_sanitise(why);
}

/* spf_run - one evaluation, under the guard */
static void
spf_run(void *arg)
{
	struct spf_job *job = arg;
	struct in_addr a4;
	struct in6_addr a6;
	SPF_errcode_t err;

	spf_guard_begin(job->spf->dns, job->ip, job->timeout_ms);
	if (job->spf->resolver)
		spf_resolver_begin(job->timeout_ms >= 0 ?
		    (unsigned)job->timeout_ms : SPF_RESOLVER_MAX_MS);
	job->err = SPF_E_INTERNAL_ERROR;
	if ((job->req = SPF_request_new(job->spf->server)) == NULL)
		return;
	if (job->ip->family == AF_INET) {
		memcpy(&a4, job->ip->bytes, sizeof(a4));
		err = SPF_request_set_ipv4(job->req, a4);
	} else {
		memcpy(&a6, job->ip->bytes, sizeof(a6));
		err = SPF_request_set_ipv6(job->req, a6);
	}
	if (err != SPF_E_SUCCESS)
		return;
	if (job->helo != NULL &&
	    SPF_request_set_helo_dom(job->req, job->helo) != SPF_E_SUCCESS)
		return;
	if (SPF_request_set_env_from(job->req, job->env_from) != 0 ||
	    job->req->env_from_dp == NULL)
		return;
	if ((job->resp = SPF_response_new(job->req)) == NULL)
		return;
	spf_guard_request(job->req, job->resp);
	/* SPF_request_query_mailfrom() without its free pass for loopback */
	job->req->cur_dom = job->req->env_from_dp;
	err = SPF_server_get_record(job->spf->server, job->req, job->resp,
	    &job->rec);
	if (err == SPF_E_SUCCESS) {
		job->resp->spf_record_exp = job->rec;
		err = SPF_record_interpret(job->rec, job->req, job->resp, 0);
	}
	job->err = err;
}

/* spf_map - libspf2's result as ours */
static enum spf_result
spf_map(SPF_result_t result, SPF_errcode_t err)
{
	switch (result) {
	case LIBSPF2_RESULT_NEUTRAL:
		return SPF_RESULT_NEUTRAL;
	case LIBSPF2_RESULT_PASS:
		return SPF_RESULT_PASS;
	case LIBSPF2_RESULT_FAIL:
		return SPF_RESULT_FAIL;
	case LIBSPF2_RESULT_SOFTFAIL:
		return SPF_RESULT_SOFTFAIL;
	case LIBSPF2_RESULT_NONE:
		return SPF_RESULT_NONE;
	case LIBSPF2_RESULT_TEMPERROR:
		return SPF_RESULT_TEMPERROR;
	case LIBSPF2_RESULT_PERMERROR:
		return SPF_RESULT_PERMERROR;
	default:
		break;
	}
	/* "invalid": the record was not reached, or did not compile */
	switch (err) {
	case SPF_E_DNS_ERROR:
	case SPF_E_NO_MEMORY:
	case SPF_E_INTERNAL_ERROR:
	case SPF_E_SUCCESS:
		return SPF_RESULT_TEMPERROR;
	default:
		return SPF_RESULT_PERMERROR;
	}
}

/* spf_first_error - libspf2's first error message of a response */
static const char *
spf_first_error(SPF_response_t *resp)
{
	SPF_error_t *e;
	int i;

	for (i = 0; i < SPF_response_messages(resp); i++) {
		e = SPF_response_message(resp, i);
		if (e != NULL && SPF_error_errorp(e) &&
		    SPF_error_message(e) != NULL)
			return SPF_error_message(e);
	}
	return NULL;
}

/*
 * spf_explain - why from the response: libspf2's comment, less its
 * "host: " prefix; for errors the error code and first message, which
 * say more than the comment's generic preamble
 */
static void
spf_explain(const struct spf_job *job, const char *domain,
    enum spf_result result, char *why, size_t why_len)
{
	const char *comment = SPF_response_get_header_comment(job->resp);
	const char *host = SPF_request_get_rec_dom(job->req);
	const char *error = spf_first_error(job->resp);
	SPF_errcode_t err = job->err;
	size_t n;

	if (result == SPF_RESULT_NONE) {
		spf_set_why(why, why_len,
		    "domain of %s does not provide an SPF record", domain);
		return;
	}
	if (result == SPF_RESULT_TEMPERROR || result == SPF_RESULT_PERMERROR ||
	    comment == NULL) {
		if (err == SPF_E_SUCCESS)
			err = SPF_response_errcode(job->resp);
		if (error != NULL)
			spf_set_why(why, why_len, "%s: %s (%s)", domain,
			    SPF_strerror(err), error);
		else
			spf_set_why(why, why_len, "%s: %s", domain,
			    SPF_strerror(err));
		return;
	}
	if (host != NULL && (n = strlen(host)) > 0 &&
	    strncmp(comment, host, n) == 0 &&
	    strncmp(comment + n, ": ", 2) == 0)
		comment += n + 2;
	spf_set_why(why, why_len, "%s", comment);
}

/* spf_evaluate - SPF result for one MAIL FROM, within timeout_ms */
static enum spf_result
spf_evaluate(struct spf_checker *spf, long timeout_ms,
    const struct ipaddr *ip, const char *helo, const char *sender,
    char *why, size_t why_len)
{
	char from[SPF_LOCAL_MAX + 1 + SPF_DOMAIN_MAX + 1], refusal[256];
	char helo_macro[SPF_HELO_MACRO_MAX + 1];
	const char *domain;
	struct spf_job job;
	enum spf_result result;
	enum spf_guard_end end;
	int guarded;
	size_t n;

	if (why != NULL && why_len > 0)
		why[0] = '\0';
	if (spf == NULL) {
		spf_set_why(why, why_len, "no SPF checker");
		return SPF_RESULT_TEMPERROR;
	}
	if (ip == NULL || (ip->family != AF_INET && ip->family != AF_INET6)) {
		spf_set_why(why, why_len, "no client address");
		return SPF_RESULT_NONE;
	}
	memset(&job, 0, sizeof(job));
	job.spf = spf;
	job.timeout_ms = timeout_ms;
	job.ip = ip;
	job.helo = spf_helo_macro(helo, helo_macro, sizeof(helo_macro));
	if ((job.env_from = spf_identity(helo, sender, from, sizeof(from),
	    why, why_len)) == NULL)
		return SPF_RESULT_NONE;

	domain = strrchr(job.env_from, '@') + 1;
	guarded = spf_guarded(spf_run, &job);
	end = spf_guard_end(refusal, sizeof(refusal));
	if (spf->resolver)
		spf_resolver_end();
	n = strlen(domain);
	if (guarded < 0) {
		result = SPF_RESULT_TEMPERROR;
		spf_set_why(why, why_len, "%s: libspf2 failed: %s", domain,
		    spf_call.error);
	} else if (end == SPF_GUARD_REFUSED) {
		/* the reason names the domain whose record it was */
		result = SPF_RESULT_PERMERROR;
		if (strncmp(refusal, domain, n) == 0 && refusal[n] == ':')
			spf_set_why(why, why_len, "%s", refusal);
		else
			spf_set_why(why, why_len, "%s: %s", domain, refusal);
	} else if (end == SPF_GUARD_DEADLINE) {
		result = SPF_RESULT_TEMPERROR;
		if (timeout_ms == 0)
			spf_set_why(why, why_len,
			    "%s: no time was left for DNS lookups", domain);
		else
			spf_set_why(why, why_len,
			    "%s: DNS lookups took longer than %ld ms", domain,
			    timeout_ms);
	} else if (job.resp == NULL) {
		result = SPF_RESULT_TEMPERROR;
		spf_set_why(why, why_len, "%s: libspf2 refused the request",
		    domain);
	} else {
		result = spf_map(SPF_response_result(job.resp), job.err);
		spf_explain(&job, domain, result, why, why_len);
	}
	if (job.rec != NULL)
		SPF_record_free(job.rec);
	if (job.resp != NULL)
		SPF_response_free(job.resp);
	if (job.req != NULL)
		SPF_request_free(job.req);
	return result;
}

/* spf_check - SPF result for one MAIL FROM, within the checker's time */
enum spf_result
spf_check(struct spf_checker *spf, const struct ipaddr *ip,
    const char *helo, const char *sender, char *why, size_t why_len)
{
	long timeout_ms = spf != NULL && spf->timeout_ms > 0 ?
	    (long)spf->timeout_ms : -1;

	return spf_evaluate(spf, timeout_ms, ip, helo, sender, why, why_len);
}

/* spf_check_within - SPF result for one MAIL FROM, within timeout_ms */
enum spf_result
spf_check_within(struct spf_checker *spf, unsigned timeout_ms,
    const struct ipaddr *ip, const char *helo, const char *sender,
    char *why, size_t why_len)
{
	return spf_evaluate(spf, (long)timeout_ms, ip, helo, sender, why,
	    why_len);
}
