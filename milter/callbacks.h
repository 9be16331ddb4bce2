/*
 * NAME
 *	callbacks 3h
 * SUMMARY
 *	the libmilter callbacks
 * SYNOPSIS
 *	#include "callbacks.h"
 *
 *	extern struct smfiDesc callbacks_desc;
 * DESCRIPTION
 *	The filter description handed to smfi_register().
 */
#ifndef ISO_CALLBACKS_H
#define ISO_CALLBACKS_H

#include <libmilter/mfapi.h>

extern struct smfiDesc callbacks_desc;

#endif
