/*
 * NAME
 *	conf_incident 3
 * SUMMARY
 *	the configuration of the embedded store and of the incident loop
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	The value parsers of StateFileSize, AlwaysAllowRecipients,
 *	SupportContact, QuarantineEscalation, AlertLimit, AlertSendmail,
 *	EventCommand, ReleaseSecret and RedisPassword (file:/path), and the files read with the
 *	configuration (AlertTemplate, AlertContacts), kept apart from the key
 *	table in conf.c. A reload rereads the files, so a broken template
 *	keeps the running configuration as a broken SenderLoginMap does.
 *
 *	ReleaseSecret reads its secret from a file only, so that the
 *	configuration itself can be shown and shared; a file that others
 *	may read, or a secret shorter than RELEASE_SECRET_MIN octets, is
 *	refused: whoever knows the secret can release any quarantine.
 *	RedisPassword file:/path reads the password the same way.
 * DIAGNOSTICS
 *	"file:line: message" through conf_err().
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_value.h"
#include "xalloc.h"

#define RELEASE_SECRET_MIN	16
#define RELEASE_SECRET_MAX	4096
#define SUPPORT_MAX		200
#define COMMAND_MAX		1024
#define PASSWORD_MAX		512

/* conf_add_allowed_rcpt - "local@" (every LocalDomain) or "local@domain" */
void
conf_add_allowed_rcpt(struct conf *conf, const char *name, void *field,
    const char *item, const struct where *w)
{
	const char *at = strrchr(item, '@');
	char entry[320];
	size_t i, len = strlen(item);

	(void)name;
	(void)field;
	if (at == NULL || at == item || len >= sizeof(entry) ||
	    (at[1] != '\0' && !conf_valid_domain(at + 1))) {
		conf_err(w, "AlwaysAllowRecipients: \"%s\" is not local@ or "
		    "local@domain", item);
		return;
	}
	for (i = 0; i < (size_t)(at - item); i++) {
		unsigned char c = (unsigned char)item[i];

		if (c <= ' ' || c >= 127 || strchr("\"<>()[],;:\\@", c) != NULL) {
			conf_err(w, "AlwaysAllowRecipients: \"%s\": the local "
			    "part must be plain ASCII", item);
			return;
		}
	}
	for (i = 0; i < len; i++)
		entry[i] = (char)tolower((unsigned char)item[i]);
	entry[len] = '\0';
	if (entry[len - 1] == '.')
		entry[len - 1] = '\0';
	if (!strlist_contains_nocase(&conf->always_allow, entry))
		strlist_add(&conf->always_allow, entry);
}

/* conf_set_support - SupportContact: one line of printable ASCII */
void
conf_set_support(struct conf *conf, const char *value, const struct where *w)
{
	const char *p;

	if (strlen(value) > SUPPORT_MAX) {
		conf_err(w, "SupportContact: longer than %d characters",
		    SUPPORT_MAX);
		return;
	}
	for (p = value; *p; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p > '~') {
			conf_err(w, "SupportContact: only printable ASCII goes "
			    "into an SMTP reply");
			return;
		}
	free(conf->support_contact);
	conf->support_contact = xstrdup(value);
}

/* escalation_duration - one duration of QuarantineEscalation; 0 ok, -1 */
static int
escalation_duration(const char *text, const char *what, unsigned long *ms_r,
    const struct where *w)
{
	if (conf_parse_duration(text, ms_r) < 0 || *ms_r < 3600UL * 1000 ||
	    *ms_r > 365UL * 86400 * 1000) {
		conf_err(w, "QuarantineEscalation: %s \"%s\" is not a duration "
		    "from 1h to 365d", what, text);
		return -1;
	}
	return 0;
}

/* conf_set_escalation - "off", or "Nx up to MAX [within WINDOW]" */
void
conf_set_escalation(struct conf *conf, const char *value,
    const struct where *w)
{
	char factor[16], up[8], to[8], max[32], within[16], window[32], extra[2];
	unsigned long f, max_ms, window_ms = 30UL * 86400 * 1000;
	size_t flen;
	int n;

	if (strcasecmp(value, "off") == 0) {
		conf->esc_factor = 0;
		return;
	}
	n = sscanf(value, "%15s %7s %7s %31s %15s %31s %1s", factor, up, to,
	    max, within, window, extra);
	flen = n >= 1 ? strlen(factor) : 0;
	if ((n != 4 && n != 6) || flen < 2 ||
	    tolower((unsigned char)factor[flen - 1]) != 'x' ||
	    strcasecmp(up, "up") != 0 || strcasecmp(to, "to") != 0 ||
	    (n == 6 && strcasecmp(within, "within") != 0)) {
		conf_err(w, "QuarantineEscalation: expected off or \"Nx up to "
		    "MAX [within WINDOW]\", e.g. \"2x up to 7d\"");
		return;
	}
	factor[flen - 1] = '\0';
	if (conf_parse_ulong(factor, 2, 10, &f) < 0) {
		conf_err(w, "QuarantineEscalation: the factor must be 2x to 10x");
		return;
	}
	if (escalation_duration(max, "the longest quarantine", &max_ms, w) < 0 ||
	    (n == 6 && escalation_duration(window, "the window", &window_ms,
	    w) < 0))
		return;
	conf->esc_factor = (unsigned)f;
	conf->esc_max_ms = max_ms;
	conf->esc_window_ms = window_ms;
}

/* conf_set_alert_limit - AlertLimit N/window, or off */
void
conf_set_alert_limit(struct conf *conf, const char *value,
    const struct where *w)
{
	unsigned long n, window;

	if (strcasecmp(value, "off") == 0) {
		conf->alert_limit = 0;
		return;
	}
	if (conf_count_window("AlertLimit", value, &n, &window, w) < 0)
		return;
	conf->alert_limit = n;
	conf->alert_limit_window_ms = window;
}

/* conf_set_command - a command line: an absolute program, no shell */
void
conf_set_command(char **field, const char *name, const char *value,
    const struct where *w)
{
	const char *p;

	if (strlen(value) > COMMAND_MAX) {
		conf_err(w, "%s: longer than %d characters", name, COMMAND_MAX);
		return;
	}
	for (p = value; *p; p++)
		if ((unsigned char)*p < ' ' && *p != '\t') {
			conf_err(w, "%s: control character in the command",
			    name);
			return;
		}
	if (value[0] != '/') {
		conf_err(w, "%s: \"%s\" does not start with an absolute path "
		    "(the command runs without a shell)", name, value);
		return;
	}
	free(*field);
	*field = xstrdup(value);
}

/* read_private - a file others may not read; NULL after an error. Its
 * content, trailing white space dropped, is min to max octets long */
static unsigned char *
read_private(const char *name, const char *path, size_t min, size_t max,
    size_t *len_r, const struct where *w)
{
	unsigned char *buf;
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		conf_err(w, "%s: %s: %s", name, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		conf_err(w, "%s: %s: not a regular file", name, path);
		close(fd);
		return NULL;
	}
	if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
		conf_err(w, "%s: %s is readable or writable by others (chmod "
		    "o-rwx)", name, path);
		close(fd);
		return NULL;
	}
	buf = xmalloc(max + 2);
	n = read(fd, buf, max + 1);
	close(fd);
	while (n > 0 && isspace(buf[n - 1]))
		n--;
	if (n < (ssize_t)min || n > (ssize_t)max) {
		conf_err(w, "%s: %s must hold %zu to %zu octets", name, path, min,
		    max);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len_r = (size_t)n;
	return buf;
}

/* conf_set_release_secret - ReleaseSecret file:/path */
void
conf_set_release_secret(struct conf *conf, const char *value,
    const struct where *w)
{
	unsigned char *secret;
	size_t len;

	if (strncmp(value, "file:/", 6) != 0) {
		conf_err(w, "ReleaseSecret: expected file:/absolute/path (the "
		    "secret itself never goes into the configuration)");
		return;
	}
	if ((secret = read_private("ReleaseSecret", value + 5,
	    RELEASE_SECRET_MIN, RELEASE_SECRET_MAX, &len, w)) == NULL)
		return;
	free(conf->release_secret);
	free(conf->release_secret_path);
	conf->release_secret = secret;
	conf->release_secret_len = len;
	conf->release_secret_path = xstrdup(value + 5);
}

/* conf_set_password - a password, or file:/path of a file holding it */
void
conf_set_password(char **field, const char *name, const char *value,
    const struct where *w)
{
	unsigned char *text;
	size_t len;

	if (strncmp(value, "file:", 5) != 0) {
		free(*field);
		*field = xstrdup(value);
		return;
	}
	if (value[5] != '/') {
		conf_err(w, "%s: file:%s is not an absolute path", name, value + 5);
		return;
	}
	if ((text = read_private(name, value + 5, 1, PASSWORD_MAX, &len,
	    w)) == NULL)
		return;
	if (memchr(text, '\0', len) != NULL || strchr((char *)text, '\n')) {
		conf_err(w, "%s: %s must hold one line", name, value + 5);
		free(text);
		return;
	}
	free(*field);
	*field = (char *)text;
}

/* conf_set_size - octets with K, M, G or T (powers of 1024): 1M to 1T */
void
conf_set_size(unsigned long long *field, const char *name, const char *value,
    const struct where *w)
{
	unsigned long long n, unit = 1;
	char *end;

	errno = 0;
	n = strtoull(value, &end, 10);
	switch (toupper((unsigned char)*end)) {
	case 'K':
		unit = 1ULL << 10;
		end++;
		break;
	case 'M':
		unit = 1ULL << 20;
		end++;
		break;
	case 'G':
		unit = 1ULL << 30;
		end++;
		break;
	case 'T':
		unit = 1ULL << 40;
		end++;
		break;
	default:
		break;
	}
	if (errno != 0 || end == value || !isdigit((unsigned char)value[0]) ||
	    *end != '\0' || n > (1ULL << 40) / unit || n * unit < (1ULL << 20) ||
	    n * unit > (1ULL << 40)) {
		conf_err(w, "%s: \"%s\" is not a size from 1M to 1T (e.g. 512M, "
		    "2G)", name, value);
		return;
	}
	*field = n * unit;
}

/* conf_load_incident_files - AlertTemplate and AlertContacts */
void
conf_load_incident_files(struct conf *conf, struct strlist *errors)
{
	if (conf->alert_template_path != NULL)
		conf->alert_template = alert_template_load(
		    conf->alert_template_path, errors);
	if (conf->alert_contacts_path != NULL)
		conf->alert_contacts = contacts_load(conf->alert_contacts_path,
		    errors);
}

/* conf_free_incident - what this file's keys hold */
void
conf_free_incident(struct conf *conf)
{
	free(conf->state_file);
	strlist_clear(&conf->always_allow);
	free(conf->support_contact);
	free(conf->alert_template_path);
	alert_template_free(conf->alert_template);
	free(conf->alert_sendmail);
	free(conf->alert_contacts_path);
	contacts_free(conf->alert_contacts);
	free(conf->event_command);
	free(conf->release_secret_path);
	if (conf->release_secret != NULL)
		explicit_bzero(conf->release_secret, conf->release_secret_len);
	free(conf->release_secret);
}
