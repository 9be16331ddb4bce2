/*
 * NAME
 *	noop_milter 1
 * SUMMARY
 *	a libmilter filter that lets everything through, for comparison
 * SYNOPSIS
 *	noop_milter unix:PATH
 * DESCRIPTION
 *	Every callback a filter can have returns SMFIS_CONTINUE, and no
 *	step is declined in the negotiation: the MTA sends every step and
 *	waits for every reply but the headers' (libmilter's default). It is
 *	the floor a real filter is measured against: libmilter's own cost,
 *	the protocol's round trips and nothing else.
 * DIAGNOSTICS
 *	Exit status 1 when the socket cannot be set up, 2 for a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include <libmilter/mfapi.h>

/* cont_ctx - a callback with the context only */
static sfsistat
cont_ctx(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* cont_connect - the client */
static sfsistat
cont_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	(void)ctx;
	(void)host;
	(void)addr;
	return SMFIS_CONTINUE;
}

/* cont_str - a callback with one string: HELO */
static sfsistat
cont_str(SMFICTX *ctx, char *s)
{
	(void)ctx;
	(void)s;
	return SMFIS_CONTINUE;
}

/* cont_argv - MAIL, RCPT, an unknown command's arguments */
static sfsistat
cont_argv(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return SMFIS_CONTINUE;
}

/* cont_header - one header */
static sfsistat
cont_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return SMFIS_CONTINUE;
}

/* cont_body - a body chunk */
static sfsistat
cont_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	(void)ctx;
	(void)chunk;
	(void)len;
	return SMFIS_CONTINUE;
}

/* cont_unknown - an unknown SMTP command */
static sfsistat
cont_unknown(SMFICTX *ctx, const char *cmd)
{
	(void)ctx;
	(void)cmd;
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "noop",
	.xxfi_version = SMFI_VERSION,
	.xxfi_connect = cont_connect,
	.xxfi_helo = cont_str,
	.xxfi_envfrom = cont_argv,
	.xxfi_envrcpt = cont_argv,
	.xxfi_header = cont_header,
	.xxfi_eoh = cont_ctx,
	.xxfi_body = cont_body,
	.xxfi_eom = cont_ctx,
	.xxfi_abort = cont_ctx,
	.xxfi_close = cont_ctx,
	.xxfi_unknown = cont_unknown,
	.xxfi_data = cont_ctx,
};

/* main - serve on the socket until killed */
int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: noop_milter unix:PATH\n");
		return 2;
	}
	smfi_setbacklog(1024);
	if (smfi_setconn(argv[1]) == MI_FAILURE ||
	    smfi_register(desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "noop_milter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
