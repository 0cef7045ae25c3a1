/*
 * Script line parsing: tokens, numbers, hex byte strings, IOVA range lists.
 * Pure functions (no I/O), unit tested by test/test_parse.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return -1; /* overflow */
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return 0;
}

int is_name(const char *s)
{
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long parse_hex(const char *s, uint8_t **buf)
{
	size_t n, i;
	uint8_t *p;

	*buf = NULL;
	if (!s)
		return -1;
	if (strcmp(s, "-") == 0) {
		*buf = malloc(1);
		return *buf ? 0 : -1;
	}
	/* HEX*N: the bytes of HEX repeated N times (a fill without a huge line) */
	const char *star = strchr(s, '*');
	unsigned long long reps = 1;

	n = star ? (size_t)(star - s) : strlen(s);
	if (star) {
		char *end;

		errno = 0;
		reps = strtoull(star + 1, &end, 10);
		if (errno || *end || star[1] < '0' || star[1] > '9' || reps == 0 || reps > (1ull << 30))
			return -1;
	}
	if (n == 0 || n % 2 || (n / 2) * reps > (1ull << 30))
		return -1;
	p = malloc((n / 2) * reps);
	if (!p)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(p);
			return -1;
		}
		p[i] = (uint8_t)(hi << 4 | lo);
	}
	for (unsigned long long r = 1; r < reps; r++)
		memcpy(p + r * (n / 2), p, n / 2);
	*buf = p;
	return (long)((n / 2) * reps);
}

/*
 * `#H,H,...`: FNV-1a 64 of each 4 KiB chunk of the bytes (from the first
 * byte; the last chunk may be short), 16 hex digits each. What `read` and
 * `access_read` print with `hash`: a whole read as hex over the guest's
 * serial port costs more than the op (two characters per byte), and the
 * per-chunk hashes still say which 4 KiB differs.
 */
char *hash_string(const uint8_t *p, size_t n)
{
	size_t chunks = n ? (n + 4095) / 4096 : 0;
	char *s = malloc(chunks * 17 + 2);
	char *o = s;

	if (!s)
		return NULL;
	*o++ = '#';
	for (size_t c = 0; c < chunks; c++) {
		uint64_t h = 0xcbf29ce484222325ull;
		size_t end = (c + 1) * 4096 < n ? (c + 1) * 4096 : n;

		for (size_t i = c * 4096; i < end; i++) {
			h ^= p[i];
			h *= 0x100000001b3ull;
		}
		o += sprintf(o, "%s%016llx", c ? "," : "", (unsigned long long)h);
	}
	*o = 0;
	return s;
}

char *hex_string(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(n ? 2 * n + 1 : 2);
	size_t i;

	if (!s)
		return NULL;
	if (!n) {
		strcpy(s, "-");
		return s;
	}
	for (i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = 0;
	return s;
}

long parse_ranges(const char *s, uint64_t **pairs)
{
	size_t cap = 8, n = 0;
	uint64_t *p;
	char *copy, *save = NULL, *tok;

	*pairs = NULL;
	if (!s || !*s)
		return -1;
	p = malloc(cap * 2 * sizeof(*p));
	if (!p)
		return -1;
	if (strcmp(s, "-") == 0) {
		*pairs = p;
		return 0;
	}
	copy = strdup(s);
	if (!copy) {
		free(p);
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');

		if (!dash)
			goto bad;
		*dash = 0;
		if (n == cap) {
			uint64_t *q = realloc(p, cap * 4 * sizeof(*p));

			if (!q)
				goto bad;
			p = q;
			cap *= 2;
		}
		if (parse_u64(tok, &p[2 * n]) || parse_u64(dash + 1, &p[2 * n + 1]))
			goto bad;
		n++;
	}
	/* "a,,b" or a trailing comma leaves an empty token strtok skips: refuse it */
	if (strstr(s, ",,") || s[strlen(s) - 1] == ',' || s[0] == ',')
		goto bad;
	free(copy);
	*pairs = p;
	return (long)n;
bad:
	free(copy);
	free(p);
	return -1;
}

int parse_line(char *text, struct line *out, const char **msg)
{
	char *tok[MAX_TOKENS + 4];
	int n = 0, i, first;
	char *s = text;

	memset(out, 0, sizeof(*out));
	*msg = NULL;
	while (*s) {
		while (*s && isspace((unsigned char)*s))
			*s++ = 0;
		if (!*s)
			break;
		if (n == 0 && *s == '#')
			return 1;
		if (n == MAX_TOKENS + 4) {
			*msg = "too many tokens";
			return -1;
		}
		tok[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	if (n == 0)
		return 1;
	if (parse_u64(tok[0], &out->seq)) {
		*msg = "the line does not start with a sequence number";
		return -1;
	}
	first = 1;
	if (n >= 3 && strcmp(tok[2], "=") == 0) {
		if (!is_name(tok[1])) {
			*msg = "bad NAME before '='";
			return -1;
		}
		out->bind = tok[1];
		first = 3;
	}
	if (first >= n) {
		*msg = "no operation";
		return -1;
	}
	out->op = tok[first];
	for (const char *c = out->op; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_') || out->op[0] < 'a') {
			*msg = "bad operation name";
			return -1;
		}
	for (i = first + 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');

		if (eq) {
			if (eq == tok[i]) {
				*msg = "an argument starts with '='";
				return -1;
			}
			if (out->nkv == MAX_TOKENS) {
				*msg = "too many key=value arguments";
				return -1;
			}
			*eq = 0;
			out->key[out->nkv] = tok[i];
			out->val[out->nkv] = eq + 1;
			out->nkv++;
		} else {
			if (out->npos == MAX_TOKENS) {
				*msg = "too many arguments";
				return -1;
			}
			out->pos[out->npos++] = tok[i];
		}
	}
	return 0;
}
