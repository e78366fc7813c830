/* The text of cairn's error codes (error.h). */
#include "error.h"

const char *
err_text(int r)
{
	switch (r) {
	case 0:
		return "success";
	case ERR_UNREACHABLE:
		return "host unreachable";
	case ERR_BECOME:
		return "become refused (sudo/su not allowed or wrong password)";
	case ERR_TIMEOUT:
		return "command timed out";
	case ERR_NOTCONN:
		return "no connection to the host";
	case ERR_NOENT:
		return "no such file";
	case ERR_IO:
		return "remote command failed";
	case ERR_INVALID:
		return "invalid argument";
	case ERR_VALIDATE:
		return "validation failed";
	case ERR_INTERRUPTED:
		return "interrupted";
	}
	return "unknown error";
}

int
err_is_transport(int r)
{
	return r == ERR_UNREACHABLE || r == ERR_BECOME || r == ERR_TIMEOUT ||
	    r == ERR_NOTCONN || r == ERR_INTERRUPTED;
}
