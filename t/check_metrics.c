/*
 * NAME
 *	check_metrics - unit tests for lib/metrics.c
 * DESCRIPTION
 *	The text format for known counter values, line by line: decisions
 *	by role, rule and action (every possible combination at 0, an
 *	impossible one only once counted), sessions, store and DNS
 *	counters, SPF results, the configuration's generation; histogram
 *	buckets cumulative with +Inf, _sum to the nanosecond, _count;
 *	label values and help text escaped; every sample after its
 *	family's HELP and TYPE; the notifier's set; counts exact when
 *	threads add at once.
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define P	"isolation_milter_"

/* scrape - the text of a set, NUL-terminated, for the caller to free */
static char *
scrape(enum metrics_set set)
{
	struct metrics_text t;

	memset(&t, 0, sizeof(t));
	metrics_format(&t, set);
	ck_assert(!t.failed);
	ck_assert_ptr_nonnull(t.buf);
	return t.buf;
}

/* has_line - text has line as a whole line */
static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* count_prefix - lines of text that begin with prefix */
static int
count_prefix(const char *text, const char *prefix)
{
	const char *p = text;
	int n = 0;

	while (*p != '\0') {
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	return n;
}

#define ck_line(text, line) \
	ck_assert_msg(has_line((text), (line)), "missing line: %s", (line))
#define ck_no_line(text, line) \
	ck_assert_msg(!has_line((text), (line)), "unexpected line: %s", (line))

START_TEST(test_decisions)
{
	char *s;

	metrics_reset();
	metrics_decision(ROLE_INBOUND, RULE_INBOUND_RELAY, ACTION_REJECT);
	metrics_decision(ROLE_INBOUND, RULE_INBOUND_RELAY, ACTION_REJECT);
	metrics_decision(ROLE_INBOUND, RULE_NONE, ACTION_ACCEPT);
	metrics_decision(ROLE_OUTBOUND, RULE_OUTBOUND_RATE, ACTION_REPORT);
	/* impossible for the engine, but counted all the same */
	metrics_decision(ROLE_INBOUND, RULE_OUTBOUND_RATE, ACTION_REJECT);
	s = scrape(METRICS_MILTER);
	ck_line(s, "# HELP " P "decisions_total Decisions, one per decision "
	    "log line, by the session's role, the rule (\"-\": none) and the "
	    "action.");
	ck_line(s, "# TYPE " P "decisions_total counter");
	ck_line(s, P "decisions_total{role=\"inbound\",rule=\"inbound.relay\","
	    "action=\"reject\"} 2");
	ck_line(s, P "decisions_total{role=\"inbound\",rule=\"-\","
	    "action=\"accept\"} 1");
	ck_line(s, P "decisions_total{role=\"outbound\","
	    "rule=\"outbound.rate\",action=\"report\"} 1");
	ck_line(s, P "decisions_total{role=\"inbound\","
	    "rule=\"outbound.rate\",action=\"reject\"} 1");
	/* possible ones at 0 */
	ck_line(s, P "decisions_total{role=\"inbound\","
	    "rule=\"inbound.customer_direct\",action=\"report\"} 0");
	ck_line(s, P "decisions_total{role=\"outbound\",rule=\"-\","
	    "action=\"tempfail\"} 0");
	/* impossible ones left out */
	ck_no_line(s, P "decisions_total{role=\"outbound\","
	    "rule=\"inbound.relay\",action=\"reject\"} 0");
	ck_no_line(s, P "decisions_total{role=\"inbound\","
	    "rule=\"inbound.relay\",action=\"accept\"} 0");
	ck_no_line(s, P "decisions_total{role=\"inbound\","
	    "rule=\"inbound.relay\",action=\"off\"} 0");
	ck_assert_int_eq(count_prefix(s, "isolation_milter_decisions_total{"
	    "role=\"auto\""), 0);
	/* 9 inbound rules and 6 outbound rules x 3 actions, 2 for "-",
	 * and the one impossible combination counted */
	ck_assert_int_eq(count_prefix(s, P "decisions_total{"),
	    9 * 3 + 2 + 6 * 3 + 2 + 1);
	free(s);
}
END_TEST

START_TEST(test_sessions)
{
	char *s;

	metrics_reset();
	metrics_session_open();
	metrics_session_open();
	metrics_session_open();
	metrics_session_close();
	s = scrape(METRICS_MILTER);
	ck_line(s, "# TYPE " P "sessions_active gauge");
	ck_line(s, P "sessions_active 2");
	ck_line(s, "# TYPE " P "sessions_total counter");
	ck_line(s, P "sessions_total 3");
	free(s);
}
END_TEST

START_TEST(test_store_histogram)
{
	char *s;

	metrics_reset();
	metrics_store(METRICS_STORE_CHECK, 1, 50000ULL);	/* 50 us */
	metrics_store(METRICS_STORE_CHECK, 1, 100000ULL);	/* on a bound */
	metrics_store(METRICS_STORE_CHECK, 1, 300000ULL);
	metrics_store(METRICS_STORE_CHECK, 0, 2000000ULL);
	metrics_store(METRICS_STORE_CHECK, 0, 5000000000ULL);	/* 5 s */
	metrics_store(METRICS_STORE_QUARANTINE, 1, 1ULL);
	s = scrape(METRICS_MILTER);
	ck_line(s, P "store_requests_total{op=\"check\"} 5");
	ck_line(s, P "store_errors_total{op=\"check\"} 2");
	ck_line(s, P "store_requests_total{op=\"quarantine\"} 1");
	ck_line(s, P "store_errors_total{op=\"quarantine\"} 0");
	ck_line(s, P "store_requests_total{op=\"strike\"} 0");
	ck_line(s, "# TYPE " P "store_duration_seconds histogram");
#define B(le, n) P "store_duration_seconds_bucket{op=\"check\",le=\"" le \
	"\"} " n
	ck_line(s, B("0.0001", "2"));
	ck_line(s, B("0.00025", "2"));
	ck_line(s, B("0.0005", "3"));
	ck_line(s, B("0.001", "3"));
	ck_line(s, B("0.0025", "4"));
	ck_line(s, B("0.005", "4"));
	ck_line(s, B("0.5", "4"));
	ck_line(s, B("1", "4"));
	ck_line(s, B("+Inf", "5"));
#undef B
	ck_line(s, P "store_duration_seconds_sum{op=\"check\"} 5.002450000");
	ck_line(s, P "store_duration_seconds_count{op=\"check\"} 5");
	ck_line(s, P "store_duration_seconds_sum{op=\"quarantine\"} "
	    "0.000000001");
	ck_line(s, P "store_duration_seconds_bucket{op=\"quarantine\","
	    "le=\"0.0001\"} 1");
	ck_line(s, P "store_duration_seconds_count{op=\"strike\"} 0");
	/* 13 bounds and +Inf per operation */
	ck_assert_int_eq(count_prefix(s, P "store_duration_seconds_bucket{"
	    "op=\"check\","), 14);
	free(s);
}
END_TEST

START_TEST(test_dns)
{
	char *s;

	metrics_reset();
	metrics_dns(METRICS_DNS_DNSBL, METRICS_DNS_YES);
	metrics_dns(METRICS_DNS_DNSBL, METRICS_DNS_TIMEOUT);
	metrics_dns(METRICS_DNS_PTR, METRICS_DNS_NO);
	metrics_dns(METRICS_DNS_FORWARD, METRICS_DNS_CANCELLED);
	metrics_dns(METRICS_DNS_SPF, METRICS_DNS_ERROR);
	metrics_dns_time(METRICS_DNS_BATCH_CLIENT, 3000000ULL);
	metrics_dns_time(METRICS_DNS_BATCH_SPF, 12000000000ULL);
	metrics_spf(SPF_RESULT_FAIL);
	metrics_spf(SPF_RESULT_FAIL);
	metrics_spf(SPF_RESULT_TEMPERROR);
	s = scrape(METRICS_MILTER);
	ck_line(s, P "dns_lookups_total{kind=\"dnsbl\",result=\"listed\"} 1");
	ck_line(s, P "dns_lookups_total{kind=\"dnsbl\",result=\"not_listed\"} "
	    "0");
	ck_line(s, P "dns_lookups_total{kind=\"dnsbl\",result=\"timeout\"} 1");
	ck_line(s, P "dns_lookups_total{kind=\"ptr\",result=\"none\"} 1");
	ck_line(s, P "dns_lookups_total{kind=\"forward\",result=\"cancelled\"}"
	    " 1");
	ck_line(s, P "dns_lookups_total{kind=\"spf\",result=\"error\"} 1");
	ck_line(s, P "dns_lookups_total{kind=\"spf\",result=\"ok\"} 0");
	/* SPF has no "no" nor a cancelled check */
	ck_assert_int_eq(count_prefix(s, P "dns_lookups_total{kind=\"spf\""),
	    3);
	ck_assert_int_eq(count_prefix(s, P "dns_lookups_total{"),
	    5 + 5 + 5 + 3);
	ck_line(s, P "dns_duration_seconds_bucket{batch=\"client\","
	    "le=\"0.0025\"} 0");
	ck_line(s, P "dns_duration_seconds_bucket{batch=\"client\","
	    "le=\"0.005\"} 1");
	ck_line(s, P "dns_duration_seconds_bucket{batch=\"spf\",le=\"10\"} 0");
	ck_line(s, P "dns_duration_seconds_bucket{batch=\"spf\",le=\"+Inf\"} "
	    "1");
	ck_line(s, P "dns_duration_seconds_sum{batch=\"spf\"} 12.000000000");
	ck_line(s, P "spf_results_total{result=\"fail\"} 2");
	ck_line(s, P "spf_results_total{result=\"temperror\"} 1");
	ck_line(s, P "spf_results_total{result=\"pass\"} 0");
	free(s);
}
END_TEST

START_TEST(test_quarantines_config)
{
	unsigned long generation;
	time_t loaded;
	char *s;

	metrics_reset();
	metrics_init(1700000000);
	metrics_strike();
	metrics_strike();
	metrics_quarantine_written(STORE_IP);
	metrics_reload(0);
	metrics_reload(1);
	metrics_reload(1);
	metrics_config(&generation, &loaded);
	ck_assert_uint_eq(generation, 3);
	ck_assert(loaded > 1700000000);
	s = scrape(METRICS_MILTER);
	ck_line(s, P "login_strikes_total 2");
	ck_line(s, P "quarantines_written_total{kind=\"ip\"} 1");
	ck_line(s, P "quarantines_written_total{kind=\"login\"} 0");
	ck_line(s, P "config_reloads_total{result=\"ok\"} 2");
	ck_line(s, P "config_reloads_total{result=\"failed\"} 1");
	ck_line(s, "# TYPE " P "config_generation gauge");
	ck_line(s, P "config_generation 3");
	free(s);
	metrics_reset();
	metrics_init(1700000000);
	s = scrape(METRICS_MILTER);
	ck_line(s, P "config_generation 1");
	ck_line(s, P "config_loaded_timestamp_seconds 1700000000");
	free(s);
}
END_TEST

START_TEST(test_build_info)
{
	char *s = scrape(METRICS_MILTER), line[128];

	snprintf(line, sizeof(line), P "build_info{version=\"%s\"} 1",
	    PACKAGE_VERSION);
	ck_assert_msg(strncmp(s, "# HELP " P "build_info ", 31) == 0,
	    "the text begins with build_info");
	ck_line(s, line);
	ck_line(s, "# TYPE " P "build_info gauge");
	free(s);
}
END_TEST

START_TEST(test_escaping)
{
	struct metrics_text t;

	memset(&t, 0, sizeof(t));
	metrics_text_family(&t, "x_total", "counter", "a \\ b\nc \"q\"");
	metrics_text_sample(&t, "x_total", 7, "v", "a\"b\\c\nd", "w", "",
	    (const char *)NULL);
	metrics_text_sample(&t, "x_total", 18446744073709551615ULL,
	    (const char *)NULL);
	ck_assert(!t.failed);
	ck_assert_str_eq(t.buf,
	    "# HELP x_total a \\\\ b\\nc \"q\"\n"
	    "# TYPE x_total counter\n"
	    "x_total{v=\"a\\\"b\\\\c\\nd\",w=\"\"} 7\n"
	    "x_total 18446744073709551615\n");
	metrics_text_free(&t);
	ck_assert_ptr_null(t.buf);
}
END_TEST

START_TEST(test_text_grows)
{
	struct metrics_text t;
	int i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < 2000; i++)
		metrics_text_printf(&t, "%04d567890\n", i);
	ck_assert(!t.failed);
	ck_assert_uint_eq(t.len, 2000 * 11);
	ck_assert_uint_eq(strlen(t.buf), 2000 * 11);
	ck_assert(strncmp(t.buf + 1999 * 11, "1999567890\n", 11) == 0);
	metrics_text_free(&t);
}
END_TEST

/* check_structure - every sample after its family's HELP and TYPE, each
 * family declared once, a counter's name ending in _total */
static void
check_structure(const char *text)
{
	char family[128] = "", type[32] = "", seen[4096] = " ";
	const char *p = text, *end;
	size_t n;

	while (*p != '\0') {
		end = strchr(p, '\n');
		ck_assert_ptr_nonnull(end);
		n = (size_t)(end - p);
		if (strncmp(p, "# HELP ", 7) == 0) {
			char needle[132];

			ck_assert_int_eq(sscanf(p + 7, "%127s", family), 1);
			snprintf(needle, sizeof(needle), " %s ", family);
			ck_assert_msg(strstr(seen, needle) == NULL,
			    "family %s declared twice", family);
			ck_assert(strlen(seen) + strlen(family) + 2 <
			    sizeof(seen));
			strcat(seen, family);
			strcat(seen, " ");
			type[0] = '\0';
		} else if (strncmp(p, "# TYPE ", 7) == 0) {
			char name[128];

			ck_assert_int_eq(sscanf(p + 7, "%127s %31s", name, type),
			    2);
			ck_assert_str_eq(name, family);
			if (strcmp(type, "counter") == 0)
				ck_assert(strlen(family) > 6 && strcmp(family +
				    strlen(family) - 6, "_total") == 0);
		} else {
			ck_assert_msg(type[0] != '\0', "sample before TYPE: "
			    "%.*s", (int)n, p);
			ck_assert_msg(strncmp(p, family, strlen(family)) == 0,
			    "sample %.*s outside %s", (int)n, p, family);
		}
		p = end + 1;
	}
}

START_TEST(test_structure)
{
	char *s;

	metrics_reset();
	s = scrape(METRICS_MILTER);
	check_structure(s);
	ck_assert_int_eq(count_prefix(s, "# HELP "), count_prefix(s,
	    "# TYPE "));
	free(s);
	s = scrape(METRICS_NOTIFY);
	check_structure(s);
	free(s);
}
END_TEST

START_TEST(test_notify)
{
	char *s;

	metrics_reset();
	metrics_notify_event(STORE_EVENT_QUARANTINE);
	metrics_notify_event(STORE_EVENT_RELEASE);
	metrics_notify_event(STORE_EVENT_RELEASE);
	metrics_notify_alert(METRICS_ALERT_SENT);
	metrics_notify_alert(METRICS_ALERT_SKIPPED);
	metrics_notify_hook(1);
	metrics_notify_hook(0);
	metrics_notify_hook(0);
	metrics_decision(ROLE_INBOUND, RULE_NONE, ACTION_ACCEPT);
	s = scrape(METRICS_NOTIFY);
	ck_line(s, P "notify_events_total{type=\"quarantine\"} 1");
	ck_line(s, P "notify_events_total{type=\"hit\"} 0");
	ck_line(s, P "notify_events_total{type=\"release\"} 2");
	ck_line(s, P "notify_alerts_total{result=\"sent\"} 1");
	ck_line(s, P "notify_alerts_total{result=\"failed\"} 0");
	ck_line(s, P "notify_alerts_total{result=\"skipped\"} 1");
	ck_line(s, P "notify_hook_runs_total{result=\"ok\"} 1");
	ck_line(s, P "notify_hook_runs_total{result=\"failed\"} 2");
	/* the daemon's families are not the notifier's */
	ck_assert_int_eq(count_prefix(s, P "decisions_total"), 0);
	ck_assert_int_eq(count_prefix(s, P "build_info{"), 1);
	free(s);
	s = scrape(METRICS_MILTER);
	ck_assert_int_eq(count_prefix(s, P "notify_"), 0);
	free(s);
}
END_TEST

#define THREADS		4
#define PER_THREAD	100000

/* hammer - what a busy worker thread does */
static void *
hammer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < PER_THREAD; i++) {
		metrics_session_open();
		metrics_decision(ROLE_INBOUND, RULE_NONE, ACTION_ACCEPT);
		metrics_store(METRICS_STORE_CHECK, 1, 1000ULL);
		metrics_session_close();
	}
	return NULL;
}

START_TEST(test_threads)
{
	pthread_t tid[THREADS];
	char *s;
	int i;

	metrics_reset();
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&tid[i], NULL, hammer, NULL), 0);
	/* scrapes while they run: never a torn line */
	for (i = 0; i < 20; i++) {
		s = scrape(METRICS_MILTER);
		check_structure(s);
		free(s);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	s = scrape(METRICS_MILTER);
	ck_line(s, P "sessions_total 400000");
	ck_line(s, P "sessions_active 0");
	ck_line(s, P "decisions_total{role=\"inbound\",rule=\"-\","
	    "action=\"accept\"} 400000");
	ck_line(s, P "store_duration_seconds_bucket{op=\"check\","
	    "le=\"0.0001\"} 400000");
	ck_line(s, P "store_duration_seconds_sum{op=\"check\"} 0.400000000");
	free(s);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc;

	tc = tcase_create("counters");
	tcase_add_test(tc, test_decisions);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_dns);
	tcase_add_test(tc, test_quarantines_config);
	tcase_add_test(tc, test_notify);
	suite_add_tcase(s, tc);

	tc = tcase_create("histogram");
	tcase_add_test(tc, test_store_histogram);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_build_info);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_text_grows);
	tcase_add_test(tc, test_structure);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
