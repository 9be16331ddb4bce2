/*
 * NAME
 *	contacts 3
 * SUMMARY
 *	AlertContacts: who to alert for an address nobody logged in from
 * SYNOPSIS
 *	#include "contacts.h"
 * DESCRIPTION
 *	See contacts.h. Each network is checked and matched by netset.c
 *	(a set of one block each); the entries are kept sorted from the
 *	longest prefix to the shortest, so that the first network that
 *	holds an address is the most specific. A lookup scans the list:
 *	it runs once per alert, never per SMTP session.
 * DIAGNOSTICS
 *	Every bad line is reported, not only the first. The loader
 *	allocates through conf_realloc(): out of memory is reported as
 *	"file:line: out of memory" and stops it, never an exit, so that a
 *	reload that runs out keeps the running configuration.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "conf_alloc.h"
#include "contacts.h"
#include "textfile.h"

#define FIELD_SEP	" \t"
#define MAILBOX_MAX	254	/* RFC 5321's path limit, less the brackets */

struct entry {
	struct netset *net;		/* the one network */
	int	family;			/* for sorting and duplicates */
	unsigned char bytes[16];
	unsigned prefix;
	char   *addr;
	unsigned line;
};

struct contacts {
	struct entry *v;
	size_t	n;
};

/* atext - an RFC 5322 atext character */
static int
atext(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') ||
	    (ch != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", ch) != NULL);
}

/* dot_run - 1 if s[0..len) is runs of ok characters between single dots */
static int
dot_run(const char *s, size_t len, int (*ok)(unsigned char))
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i - 1] == '.')
				return 0;
		} else if (!ok((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* domain_char - a letter, digit or hyphen */
static int
domain_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-';
}

/* contacts_mailbox_ok - 1 if s is a plain local@domain mailbox */
int
contacts_mailbox_ok(const char *s)
{
	const char *at;
	size_t len;

	if (s == NULL || (len = strlen(s)) > MAILBOX_MAX ||
	    (at = strchr(s, '@')) == NULL)
		return 0;
	return dot_run(s, (size_t)(at - s), atext) &&
	    dot_run(at + 1, len - (size_t)(at - s) - 1, domain_char);
}

/* network_key - family, bytes and prefix of a network netset accepted */
static void
network_key(const char *cidr, struct entry *e)
{
	static const unsigned char mapped[12] =
	    {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char text[IP_TEXT_MAX + 1];
	const char *slash = strchr(cidr, '/');
	size_t n = slash != NULL ? (size_t)(slash - cidr) : strlen(cidr);

	memset(e->bytes, 0, sizeof(e->bytes));
	memcpy(text, cidr, n);
	text[n] = '\0';
	e->family = inet_pton(AF_INET, text, e->bytes) == 1 ? AF_INET :
	    AF_INET6;
	if (e->family == AF_INET6)
		inet_pton(AF_INET6, text, e->bytes);
	e->prefix = e->family == AF_INET ? 32 : 128;
	if (slash != NULL)
		e->prefix = (unsigned)strtoul(slash + 1, NULL, 10);
	/* as netset stores it: ::ffff:10.0.0.0/104 is 10.0.0.0/8 */
	if (e->family == AF_INET6 && e->prefix >= 96 &&
	    memcmp(e->bytes, mapped, 12) == 0) {
		memmove(e->bytes, e->bytes + 12, 4);
		memset(e->bytes + 4, 0, 12);
		e->family = AF_INET;
		e->prefix -= 96;
	}
}

/* parse_line - one "network address" line into e; 0, -1 with errors,
 * -2 out of memory (reported) */
static int
parse_line(const char *path, unsigned line, char *text, struct entry *e,
    struct strlist *errors)
{
	char err[256], *save, *net, *addr, *more;

	net = strtok_r(text, FIELD_SEP, &save);
	addr = strtok_r(NULL, FIELD_SEP, &save);
	more = strtok_r(NULL, FIELD_SEP, &save);
	if (addr == NULL) {
		strlist_addf(errors, "%s:%u: \"%s\": no address after the "
		    "network (expected \"network address\")", path, line, net);
		return -1;
	}
	if (more != NULL) {
		strlist_addf(errors, "%s:%u: \"%s\": one network and one "
		    "address a line (comments take a line of their own)",
		    path, line, more);
		return -1;
	}
	memset(e, 0, sizeof(*e));
	if ((e->net = netset_new()) == NULL) {
		strlist_addf(errors, "%s:%u: out of memory", path, line);
		return -2;
	}
	if (netset_add(e->net, net, err, sizeof(err)) < 0) {
		strlist_addf(errors, "%s:%u: %s", path, line, err);
		netset_free(e->net);
		return -1;
	}
	if (!contacts_mailbox_ok(addr)) {
		strlist_addf(errors, "%s:%u: \"%s\" is not a plain mail "
		    "address (local@domain, no quotes, spaces, commas or "
		    "angle brackets)", path, line, addr);
		netset_free(e->net);
		return -1;
	}
	network_key(net, e);
	if ((e->addr = conf_strndup(addr, strlen(addr))) == NULL) {
		strlist_addf(errors, "%s:%u: out of memory", path, line);
		netset_free(e->net);
		return -2;
	}
	e->line = line;
	return 0;
}

/* entry_cmp - longest prefix first; then by family, address and line */
static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c;

	if (x->prefix != y->prefix)
		return x->prefix > y->prefix ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((c = memcmp(x->bytes, y->bytes, sizeof(x->bytes))) != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* contacts_load - read an AlertContacts file; NULL after errors */
struct contacts *
contacts_load(const char *path, struct strlist *errors)
{
	struct contacts *c;
	struct entry *v;
	char *text, *cursor, *s;
	size_t i, cap = 0;
	unsigned line = 0;
	int bad = 0, rc;

	if ((text = textfile_read(path, errors)) == NULL)
		return NULL;
	if ((c = conf_realloc(NULL, sizeof(*c))) == NULL) {
		strlist_addf(errors, "%s: out of memory", path);
		free(text);
		return NULL;
	}
	c->v = NULL;
	c->n = 0;
	for (cursor = text; (s = textfile_line(&cursor)) != NULL;) {
		line++;
		if (*s == '\0' || *s == '#')
			continue;
		if (c->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = conf_realloc(c->v, cap * sizeof(*v))) == NULL) {
				strlist_addf(errors, "%s:%u: out of memory",
				    path, line);
				bad = 1;
				break;
			}
			c->v = v;
		}
		if ((rc = parse_line(path, line, s, &c->v[c->n], errors)) == 0)
			c->n++;
		else
			bad = 1;
		if (rc == -2)
			break;
	}
	free(text);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), entry_cmp);
	/* equal networks sort next to each other, the first line first */
	for (i = 1; i < c->n; i++)
		if (c->v[i - 1].prefix == c->v[i].prefix &&
		    c->v[i - 1].family == c->v[i].family &&
		    memcmp(c->v[i - 1].bytes, c->v[i].bytes, 16) == 0) {
			strlist_addf(errors, "%s:%u: the network is given "
			    "twice (also on line %u)", path, c->v[i].line,
			    c->v[i - 1].line);
			bad = 1;
		}
	if (bad) {
		contacts_free(c);
		return NULL;
	}
	return c;
}

/* contacts_lookup - the address of the most specific network holding ip */
const char *
contacts_lookup(const struct contacts *c, const struct ipaddr *ip)
{
	size_t i;

	if (c == NULL || ip == NULL)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (netset_contains(c->v[i].net, ip))
			return c->v[i].addr;
	return NULL;
}

/* contacts_free - release a set; NULL is fine */
void
contacts_free(struct contacts *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		netset_free(c->v[i].net);
		free(c->v[i].addr);
	}
	free(c->v);
	free(c);
}
