/*
 * password.h - a password typed at the terminal, the way Podman asks for
 * one (`pull`/`push --creds USER`, `login` without --password): echo is
 * turned off before "Password: " goes to stdout (so nothing typed ahead is
 * echoed), one line is read from stdin, and a newline ends the prompt.
 */
#ifndef POD_CLI_PASSWORD_H
#define POD_CLI_PASSWORD_H

#include "core/err.h"
#include "core/util.h"

/*
 * *ret is the line without its end (yours to free; wipe it with
 * explicit_bzero). Stdin not a terminal: the prompt is still printed and
 * the error is the errno's text ("inappropriate ioctl for device"); end of
 * input before any byte: "EOF". Callers wrap it in their tool's words.
 */
int pod_cli_read_password(char **ret, struct pod_err **err);

/*
 * --creds of pull and push, as Podman reads it: "" is no --creds; a
 * missing user (":PASSWORD") is read from stdin after "Username: "; a
 * missing password ("USER" or "USER:") is asked for as above (failing with
 * Podman's "could not read password from terminal: ..."). *ret_creds is
 * then "USER:PASSWORD" (wipe and free it), or NULL when creds is complete
 * or empty: use it as it is.
 */
int pod_cli_creds_ask(const char *creds, char **ret_creds, struct pod_err **err);

/* wipes and frees a secret: cleanup_secret char *creds = NULL; */
void pod_cli_secret_freep(char **p);
#define cleanup_secret cleanup_(pod_cli_secret_freep)

#endif
