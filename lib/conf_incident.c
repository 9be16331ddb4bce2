/*
 * NAME
 *	conf_incident 3
 * SUMMARY
 *	the configuration of the embedded store and of the incident loop
 * SYNOPSIS
 *	#include "conf_value.h"
 * DESCRIPTION
 *	The value parsers of LoginQuarantine and AlertLimit (N/window or
 *	off), SupportContact, QuarantineEscalation, AlertSendmail,
 *	EventCommand, ReleaseSecret and RedisPassword (file:/path), and the
 *	files read with the configuration (AlertTemplate, AlertContacts),
 *	kept apart from the key table in conf.c. A reload rereads the files,
 *	so a broken template keeps the running configuration as a broken
 *	SenderLoginMap does.
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

#define RELEASE_SECRET_MIN	16
#define RELEASE_SECRET_MAX	4096
#define SUPPORT_MAX		200
#define COMMAND_MAX		1024
#define PASSWORD_MAX		512

/* conf_set_count_window - N/window, or off: the count at offset (0: off),
 * the window at offset2 */
void
conf_set_count_window(struct conf *conf, const struct key *key,
    const char *value, const struct where *w)
{
	unsigned long n, window;

	if (strcasecmp(value, "off") == 0) {
		*CONF_FIELD(conf, key, unsigned long) = 0;
		return;
	}
	if (conf_count_window(key->name, value, &n, &window, w) < 0)
		return;
	*CONF_FIELD(conf, key, unsigned long) = n;
	*(unsigned long *)((char *)conf + key->offset2) = window;
}

/* conf_set_support - SupportContact: one line of printable ASCII */
void
conf_set_support(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	const char *p;

	if (strlen(value) > SUPPORT_MAX) {
		conf_err(w, "%s: longer than %d characters", key->name,
		    SUPPORT_MAX);
		return;
	}
	for (p = value; *p; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p > '~') {
			conf_err(w, "%s: only printable ASCII goes into an SMTP "
			    "reply", key->name);
			return;
		}
	conf_set_text(CONF_FIELD(conf, key, char *), value, w, key);
}

/* escalation_duration - one duration of QuarantineEscalation; 0 ok, -1 */
static int
escalation_duration(const char *text, const char *what, unsigned long *ms_r,
    const struct where *w, const struct key *key)
{
	if (conf_parse_duration(text, ms_r) < 0 || *ms_r < 3600UL * 1000 ||
	    *ms_r > 365UL * 86400 * 1000) {
		conf_err(w, "%s: %s \"%s\" is not a duration from 1h to 365d",
		    key->name, what, text);
		return -1;
	}
	return 0;
}

/* conf_set_escalation - "off", or "Nx up to MAX [within WINDOW]" */
void
conf_set_escalation(struct conf *conf, const struct key *key,
    const char *value, const struct where *w)
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
		conf_err(w, "%s: expected off or \"Nx up to MAX [within "
		    "WINDOW]\", e.g. \"2x up to 7d\"", key->name);
		return;
	}
	factor[flen - 1] = '\0';
	if (conf_parse_ulong(factor, 2, 10, &f) < 0) {
		conf_err(w, "%s: the factor must be 2x to 10x", key->name);
		return;
	}
	if (escalation_duration(max, "the longest quarantine", &max_ms, w,
	    key) < 0 || (n == 6 && escalation_duration(window, "the window",
	    &window_ms, w, key) < 0))
		return;
	conf->esc_factor = (unsigned)f;
	conf->esc_max_ms = max_ms;
	conf->esc_window_ms = window_ms;
}

/* conf_set_command - a command line: an absolute program, no shell */
void
conf_set_command(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	const char *p;

	if (strlen(value) > COMMAND_MAX) {
		conf_err(w, "%s: longer than %d characters", key->name,
		    COMMAND_MAX);
		return;
	}
	for (p = value; *p; p++)
		if ((unsigned char)*p < ' ' && *p != '\t') {
			conf_err(w, "%s: control character in the command",
			    key->name);
			return;
		}
	if (value[0] != '/') {
		conf_err(w, "%s: \"%s\" does not start with an absolute path "
		    "(the command runs without a shell)", key->name, value);
		return;
	}
	conf_set_text(CONF_FIELD(conf, key, char *), value, w, key);
}

/* read_private - a file others may not read; NULL after an error. Its
 * content, trailing white space dropped, is min to max octets long */
static unsigned char *
read_private(const struct key *key, const char *path, size_t min, size_t max,
    size_t *len_r, const struct where *w)
{
	const char *name = key->name;
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
	if ((buf = conf_realloc(NULL, max + 2)) == NULL) {
		conf_oom(w, key);
		close(fd);
		return NULL;
	}
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
conf_set_release_secret(struct conf *conf, const struct key *key,
    const char *value, const struct where *w)
{
	unsigned char *secret;
	size_t len;

	if (strncmp(value, "file:/", 6) != 0) {
		conf_err(w, "%s: expected file:/absolute/path (the secret "
		    "itself never goes into the configuration)", key->name);
		return;
	}
	if ((secret = read_private(key, value + 5, RELEASE_SECRET_MIN,
	    RELEASE_SECRET_MAX, &len, w)) == NULL)
		return;
	if (conf_set_text(&conf->release_secret_path, value + 5, w, key) < 0) {
		explicit_bzero(secret, len);
		free(secret);
		return;
	}
	if (conf->release_secret != NULL)
		explicit_bzero(conf->release_secret, conf->release_secret_len);
	free(conf->release_secret);
	conf->release_secret = secret;
	conf->release_secret_len = len;
}

/* conf_set_password - a password, or file:/path of a file holding it */
void
conf_set_password(struct conf *conf, const struct key *key, const char *value,
    const struct where *w)
{
	char **field = CONF_FIELD(conf, key, char *);
	unsigned char *text;
	size_t len;

	if (strncmp(value, "file:", 5) != 0) {
		conf_set_text(field, value, w, key);
		return;
	}
	if (value[5] != '/') {
		conf_err(w, "%s: file:%s is not an absolute path", key->name,
		    value + 5);
		return;
	}
	if ((text = read_private(key, value + 5, 1, PASSWORD_MAX, &len,
	    w)) == NULL)
		return;
	if (memchr(text, '\0', len) != NULL || strchr((char *)text, '\n')) {
		conf_err(w, "%s: %s must hold one line", key->name, value + 5);
		free(text);
		return;
	}
	free(*field);
	*field = (char *)text;
}

/* conf_load_incident_files - AlertTemplate and AlertContacts; 0, or -1
 * when one of them could not be loaded (errors say why) */
int
conf_load_incident_files(struct conf *conf, struct strlist *errors)
{
	int rc = 0;

	if (conf->alert_template_path != NULL && (conf->alert_template =
	    alert_template_load(conf->alert_template_path, errors)) == NULL)
		rc = -1;
	if (conf->alert_contacts_path != NULL && (conf->alert_contacts =
	    contacts_load(conf->alert_contacts_path, errors)) == NULL)
		rc = -1;
	return rc;
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
