/*
 * NAME
 *	hdraddr 3
 * SUMMARY
 *	strict parsing of the address list in a From: or Sender: header
 * SYNOPSIS
 *	#include "hdraddr.h"
 * DESCRIPTION
 *	See hdraddr.h. A first pass over the whole value refuses control
 *	characters, line breaks that are not folds and malformed UTF-8.
 *	After it, every CR and LF left belongs to a fold, so the lexer may
 *	treat them as white space and unfolding is the same as dropping
 *	them; no unfolded copy is made. The lexer returns one token at a
 *	time (atom, quoted-string, domain literal, or one of the specials
 *	<>:;@,.), having skipped white space and comments; comments are
 *	skipped by a counting loop, so nesting costs no stack. The parser
 *	descends at most two levels (group, then mailbox) and builds each
 *	addr-spec as text for addr_parse(). Mailboxes are kept in a local
 *	array and copied out only when the whole value is good.
 * DIAGNOSTICS
 *	Refusals are returned as static English text, for the caller's log.
 */
#include "config.h"

#include <string.h>

#include "addr.h"
#include "hdraddr.h"
#include "utf8.h"

#define ATEXT_EXTRA	"!#$%&'*+-/=?^_`{|}~"
#define COMMENT_DEPTH_MAX 32
/* "<" route local "@" domain ">": addr_parse() refuses a mailbox over 254
 * octets anyway, so only a long source route can reach this bound */
#define SPEC_MAX	1024

enum tok_type {
	TOK_END,
	TOK_ATOM,
	TOK_QUOTED,
	TOK_LITERAL,
	TOK_SPECIAL
};

struct tok {
	enum tok_type type;
	const char *start;		/* the token itself, no CFWS before */
	const char *end;		/* just after it */
	char	ch;			/* TOK_SPECIAL: which one */
};

/* the text of one addr-spec, as addr_parse() will read it */
struct spec {
	char	s[SPEC_MAX + 1];
	size_t	len;
	int	overflow;
};

/* the shape of a run of atoms, quoted strings and dots */
struct words {
	size_t	ntok;
	int	phrase_ok;		/* a display name: starts with a word */
	int	local_ok;		/* a dot-atom, or one quoted string */
};

struct parser {
	const char *p;			/* next token search starts here */
	struct addr list[HDRADDR_MAX];
	size_t	n;
	size_t	limit;
	int	seen;			/* a mailbox or a group was found */
	const char **err_r;
};

/* fail - set the message and return -1 */
static int
fail(const char **err_r, const char *msg)
{
	*err_r = msg;
	return -1;
}

/* check_octets - refuse controls, line breaks that are not folds, bad UTF-8 */
static int
check_octets(const char *value, const char **err_r)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t k;

	while (*s != '\0') {
		if (*s == '\r' && s[1] == '\n')
			s++;
		/* a lone CR is a line break to some readers and not to others */
		if (*s == '\r')
			return fail(err_r, "line break that is not a fold");
		if (*s == '\n') {
			if (s[1] != ' ' && s[1] != '\t')
				return fail(err_r, "line break that is not a fold");
			s++;
		} else if ((*s < 0x20 && *s != '\t') || *s == 0x7f)
			return fail(err_r, "control character in header");
		else if (*s >= 0x80) {
			if ((k = utf8_len(s, 4)) == 0)
				return fail(err_r, "malformed UTF-8 in header");
			s += k;
		} else
			s++;
	}
	return 0;
}

/* is_wsp - white space, folds included (only folds are left after check) */
static int
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* is_atext - an atom character; UTF-8 was checked, so any octet >= 0x80 */
static int
is_atext(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr(ATEXT_EXTRA, c));
}

/* skip_newlines - past the CR and LF of a fold */
static const char *
skip_newlines(const char *p)
{
	while (*p == '\r' || *p == '\n')
		p++;
	return p;
}

/* skip_cfws - past white space, folds and comments; NULL on a bad comment */
static const char *
skip_cfws(const char *p, const char **err_r)
{
	int depth;

	for (;;) {
		while (is_wsp(*p))
			p++;
		if (*p != '(')
			return p;
		/* a counter, not recursion: hostile nesting costs no stack */
		depth = 0;
		do {
			switch (*p++) {
			case '\0':
				fail(err_r, "unterminated comment");
				return NULL;
			case '(':
				if (++depth > COMMENT_DEPTH_MAX) {
					fail(err_r, "comments nested too deeply");
					return NULL;
				}
				break;
			case ')':
				depth--;
				break;
			case '\\':
				/* unfolding may put a fold's WSP after the \ */
				p = skip_newlines(p);
				if (*p == '\0') {
					fail(err_r, "unterminated comment");
					return NULL;
				}
				p++;
				break;
			}
		} while (depth > 0);
	}
}

/* lex_quoted - the end of the quoted string that starts at p */
static int
lex_quoted(const char *p, const char **end_r, const char **err_r)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return fail(err_r, "unterminated quoted string");
		if (*p == '\\') {
			p = skip_newlines(p + 1);
			if (*p == '\0')
				return fail(err_r, "unterminated quoted string");
		}
	}
	*end_r = p + 1;
	return 0;
}

/* lex_literal - the end of the domain literal that starts at p */
static int
lex_literal(const char *p, const char **end_r, const char **err_r)
{
	/* no white space, folds or escapes: addr_parse() wants the bare text */
	for (p++; *p != ']'; p++) {
		if (*p == '\0')
			return fail(err_r, "unterminated domain literal");
		if (*p == '[' || *p == '\\' || is_wsp(*p))
			return fail(err_r, "invalid character in domain literal");
	}
	*end_r = p + 1;
	return 0;
}

/* lex - the token after any white space, folds and comments at p */
static int
lex(const char *p, struct tok *t, const char **err_r)
{
	if ((p = skip_cfws(p, err_r)) == NULL)
		return -1;
	t->start = p;
	t->end = p;
	t->ch = '\0';
	if (*p == '\0') {
		t->type = TOK_END;
		return 0;
	}
	if (*p == '"') {
		t->type = TOK_QUOTED;
		return lex_quoted(p, &t->end, err_r);
	}
	if (*p == '[') {
		t->type = TOK_LITERAL;
		return lex_literal(p, &t->end, err_r);
	}
	if (is_atext((unsigned char)*p)) {
		while (is_atext((unsigned char)*p))
			p++;
		t->type = TOK_ATOM;
		t->end = p;
		return 0;
	}
	if (*p == ')')
		return fail(err_r, "unbalanced parentheses");
	if (*p == ']')
		return fail(err_r, "unbalanced square brackets");
	if (*p == '\\')
		return fail(err_r, "backslash outside a quoted string");
	/* controls were refused, so what is left is one of <>:;@,. */
	t->type = TOK_SPECIAL;
	t->ch = *p;
	t->end = p + 1;
	return 0;
}

/* is_special - the token is the special character c */
static int
is_special(const struct tok *t, char c)
{
	return t->type == TOK_SPECIAL && t->ch == c;
}

/* spec_add - append n octets of text, dropping the CR and LF of folds */
static void
spec_add(struct spec *sp, const char *text, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (text[i] == '\r' || text[i] == '\n')
			continue;
		if (sp->len >= SPEC_MAX) {
			sp->overflow = 1;
			return;
		}
		sp->s[sp->len++] = text[i];
	}
}

/* spec_tok - append the text of a token */
static void
spec_tok(struct spec *sp, const struct tok *t)
{
	spec_add(sp, t->start, (size_t)(t->end - t->start));
}

/* spec_init - an empty spec, opened with "<" */
static void
spec_init(struct spec *sp)
{
	sp->len = 0;
	sp->overflow = 0;
	spec_add(sp, "<", 1);
}

/* collect_words - atoms, quoted strings and dots; *t is the token after */
static int
collect_words(struct parser *pr, struct spec *sp, struct words *w,
    struct tok *t)
{
	enum { W_EMPTY, W_ATOM, W_DOT, W_QUOTED, W_BAD } st = W_EMPTY;

	w->ntok = 0;
	w->phrase_ok = 1;
	for (;;) {
		if (lex(pr->p, t, pr->err_r) < 0)
			return -1;
		if (t->type == TOK_ATOM)
			st = st == W_EMPTY || st == W_DOT ? W_ATOM : W_BAD;
		else if (t->type == TOK_QUOTED)
			st = st == W_EMPTY ? W_QUOTED : W_BAD;
		else if (is_special(t, '.')) {
			if (w->ntok == 0)
				w->phrase_ok = 0;
			st = st == W_ATOM ? W_DOT : W_BAD;
		} else
			break;
		/* the text only matters if an "@" follows: then it is the local part */
		spec_tok(sp, t);
		w->ntok++;
		pr->p = t->end;
	}
	w->local_ok = st == W_ATOM || st == W_QUOTED;
	return 0;
}

/* parse_domain - a dot-atom, perhaps with a root dot, or a domain literal */
static int
parse_domain(struct parser *pr, struct spec *sp)
{
	struct tok t;

	if (lex(pr->p, &t, pr->err_r) < 0)
		return -1;
	if (t.type == TOK_LITERAL) {
		spec_tok(sp, &t);
		pr->p = t.end;
		return 0;
	}
	if (t.type != TOK_ATOM)
		return fail(pr->err_r, "address without a domain");
	for (;;) {
		spec_tok(sp, &t);
		pr->p = t.end;
		if (lex(pr->p, &t, pr->err_r) < 0)
			return -1;
		if (!is_special(&t, '.'))
			return 0;
		spec_tok(sp, &t);
		pr->p = t.end;
		if (lex(pr->p, &t, pr->err_r) < 0)
			return -1;
		/* a root dot ends the domain; addr_parse() drops it */
		if (t.type != TOK_ATOM)
			return 0;
	}
}

/* parse_route - the obsolete "@a,@b:" at pr->p, kept for addr_parse() */
static int
parse_route(struct parser *pr, struct spec *sp)
{
	struct tok t;

	for (;;) {
		if (lex(pr->p, &t, pr->err_r) < 0)
			return -1;
		if (!is_special(&t, '@'))
			return fail(pr->err_r, "malformed source route");
		spec_tok(sp, &t);
		pr->p = t.end;
		if (parse_domain(pr, sp) < 0)
			return -1;
		if (lex(pr->p, &t, pr->err_r) < 0)
			return -1;
		if (!is_special(&t, ',') && !is_special(&t, ':'))
			return fail(pr->err_r, "malformed source route");
		spec_tok(sp, &t);
		pr->p = t.end;
		if (t.ch == ':')
			return 0;
	}
}

/* add_mailbox - normalise one addr-spec and keep it */
static int
add_mailbox(struct parser *pr, struct spec *sp)
{
	spec_add(sp, ">", 1);
	if (sp->overflow)
		return fail(pr->err_r, "address too long");
	if (pr->n >= pr->limit)
		return fail(pr->err_r, "too many addresses");
	sp->s[sp->len] = '\0';
	if (addr_parse(sp->s, &pr->list[pr->n], pr->err_r) < 0)
		return -1;
	pr->n++;
	pr->seen = 1;
	return 0;
}

/* parse_addr_spec - local part collected, at its "@": the rest of it */
static int
parse_addr_spec(struct parser *pr, struct spec *sp, const struct words *w,
    const struct tok *at)
{
	if (w->ntok == 0)
		return fail(pr->err_r, "address without a local part");
	if (!w->local_ok)
		return fail(pr->err_r, "malformed local part");
	spec_tok(sp, at);
	pr->p = at->end;
	return parse_domain(pr, sp);
}

/* parse_angle - the angle-addr after its "<" */
static int
parse_angle(struct parser *pr)
{
	struct spec sp;
	struct words w;
	struct tok t;

	spec_init(&sp);
	if (lex(pr->p, &t, pr->err_r) < 0)
		return -1;
	if (is_special(&t, '>'))
		return fail(pr->err_r, "null address");
	if (is_special(&t, '@') && parse_route(pr, &sp) < 0)
		return -1;
	if (collect_words(pr, &sp, &w, &t) < 0)
		return -1;
	if (!is_special(&t, '@')) {
		if (is_special(&t, '>'))
			return fail(pr->err_r, w.ntok > 0 ?
			    "address without a domain" :
			    "address without a local part");
		if (t.type == TOK_END || is_special(&t, '<'))
			return fail(pr->err_r, "unbalanced angle brackets");
		return fail(pr->err_r, "malformed address in angle brackets");
	}
	if (parse_addr_spec(pr, &sp, &w, &t) < 0)
		return -1;
	if (lex(pr->p, &t, pr->err_r) < 0)
		return -1;
	if (is_special(&t, '@'))
		return fail(pr->err_r, "more than one @ in an address");
	if (t.type == TOK_END || is_special(&t, '<'))
		return fail(pr->err_r, "unbalanced angle brackets");
	if (!is_special(&t, '>'))
		return fail(pr->err_r, "malformed address in angle brackets");
	pr->p = t.end;
	return add_mailbox(pr, &sp);
}

static int parse_address(struct parser *, int);

/* parse_group - the members after a group's ":", up to its ";" */
static int
parse_group(struct parser *pr)
{
	struct tok t;

	for (;;) {
		if (lex(pr->p, &t, pr->err_r) < 0)
			return -1;
		if (t.type == TOK_END)
			return fail(pr->err_r, "unterminated group");
		if (is_special(&t, ';')) {
			pr->p = t.end;
			return 0;
		}
		if (is_special(&t, ','))
			pr->p = t.end;
		else if (parse_address(pr, 1) < 0)
			return -1;
	}
}

/* parse_address - one mailbox, or a group unless in_group */
static int
parse_address(struct parser *pr, int in_group)
{
	struct spec sp;
	struct words w;
	struct tok t;

	spec_init(&sp);
	if (collect_words(pr, &sp, &w, &t) < 0)
		return -1;
	if (is_special(&t, '<')) {
		if (!w.phrase_ok)
			return fail(pr->err_r, "malformed display name");
		pr->p = t.end;
		if (parse_angle(pr) < 0)
			return -1;
	} else if (is_special(&t, ':')) {
		if (in_group)
			return fail(pr->err_r, "group inside a group");
		if (w.ntok == 0 || !w.phrase_ok)
			return fail(pr->err_r, "group without a display name");
		pr->p = t.end;
		if (parse_group(pr) < 0)
			return -1;
		pr->seen = 1;
	} else if (is_special(&t, '@')) {
		if (parse_addr_spec(pr, &sp, &w, &t) < 0 ||
		    add_mailbox(pr, &sp) < 0)
			return -1;
	} else if (is_special(&t, '>'))
		return fail(pr->err_r, "unbalanced angle brackets");
	else if (w.ntok > 0)
		return fail(pr->err_r, "address without a domain");
	else
		return fail(pr->err_r, "unexpected character in address");

	/* the next comma ends the address: anything else would be read as a
	 * second address, or as part of this one, depending on the reader */
	if (lex(pr->p, &t, pr->err_r) < 0)
		return -1;
	if (t.type == TOK_END || is_special(&t, ',') ||
	    (in_group && is_special(&t, ';')))
		return 0;
	if (is_special(&t, '<'))
		return fail(pr->err_r, "more than one address in a mailbox");
	if (is_special(&t, '>'))
		return fail(pr->err_r, "unbalanced angle brackets");
	if (is_special(&t, '@'))
		return fail(pr->err_r, "more than one @ in an address");
	return fail(pr->err_r, "text after an address");
}

/* hdraddr_parse - the mailboxes of a From: or Sender: field body */
int
hdraddr_parse(const char *value, struct addr *out, size_t max,
    size_t *n_r, const char **err_r)
{
	struct parser pr;
	struct tok t;
	const char *dummy;

	if (err_r == NULL)
		err_r = &dummy;
	if (value == NULL)
		return fail(err_r, "no address");
	if (n_r == NULL || (out == NULL && max > 0))
		return fail(err_r, "nowhere to store the addresses");
	if (check_octets(value, err_r) < 0)
		return -1;
	pr.p = value;
	pr.n = 0;
	pr.limit = max < HDRADDR_MAX ? max : HDRADDR_MAX;
	pr.seen = 0;
	pr.err_r = err_r;
	for (;;) {
		if (lex(pr.p, &t, err_r) < 0)
			return -1;
		if (t.type == TOK_END)
			break;
		/* obsolete empty list elements: ",," and leading or trailing "," */
		if (is_special(&t, ','))
			pr.p = t.end;
		else if (parse_address(&pr, 0) < 0)
			return -1;
	}
	if (!pr.seen)
		return fail(err_r, "no address");
	if (pr.n > 0)
		memcpy(out, pr.list, pr.n * sizeof(pr.list[0]));
	*n_r = pr.n;
	return 0;
}
