/* lint-output.c - render lint findings: json, text, github, sarif, junit.
 *
 * Every format lists the findings in input order (file, object, field), so
 * outputs are deterministic bytes that golden tests can compare.
 *   json    {"findings":[...],"summary":{...}} compact, one line
 *   text    file:line:col: severity: path: message [rule]
 *   github  workflow commands (::error file=..,line=..,col=..,title=..::msg)
 *   sarif   SARIF 2.1.0, one run, every rule in tool.driver.rules
 *   junit   one testsuite per file, one testcase per object; errors (and
 *           warnings under --strict) are <failure>s, other warnings go to
 *           the testcase's <system-out>
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emit.h"
#include "lint.h"
#include "statefile.h"

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int render_json(const struct lint_ctx *ctx, FILE *out)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	size_t i;
	int rc;

	for (i = 0; i < ctx->nfindings; i++) {
		const struct lint_finding *f = &ctx->findings[i];
		const struct lint_object *o = &ctx->objects[f->object];
		json_t *j = json_object(), *obj = json_object();

		json_object_set_new(j, "rule", json_string(f->rule->id));
		json_object_set_new(j, "name", json_string(f->rule->name));
		json_object_set_new(j, "severity", json_string(lint_sev_name(f->rule->sev)));
		json_object_set_new(j, "file", json_string(f->file));
		json_object_set_new(j, "line", json_integer(f->line));
		json_object_set_new(j, "column", json_integer(f->col));
		json_object_set_new(obj, "kind", json_string(o->kind));
		json_object_set_new(obj, "namespace", jstr_or_null(o->ns));
		json_object_set_new(obj, "name", json_string(o->name));
		json_object_set_new(j, "object", obj);
		json_object_set_new(j, "path", json_string(f->path));
		json_object_set_new(j, "message", json_string(f->message));
		json_object_set_new(j, "fix", json_string(f->fix));
		json_array_append_new(arr, j);
	}
	json_object_set_new(root, "findings", arr);
	json_object_set_new(sum, "files", json_integer((json_int_t)ctx->nfiles));
	json_object_set_new(sum, "objects", json_integer((json_int_t)ctx->nobjects));
	json_object_set_new(sum, "errors", json_integer((json_int_t)ctx->nerrors));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)ctx->nwarnings));
	json_object_set_new(root, "summary", sum);
	rc = tk_emit_json(root, out);
	json_decref(root);
	return rc;
}

static int render_text(const struct lint_ctx *ctx, FILE *out)
{
	size_t i;

	for (i = 0; i < ctx->nfindings; i++) {
		const struct lint_finding *f = &ctx->findings[i];

		/* a manifest in a pull request writes these strings: escape them */
		tk_fputs_text(f->file, out);
		fprintf(out, ":%u:%u: %s: ", f->line, f->col, lint_sev_name(f->rule->sev));
		tk_fputs_text(f->path, out);
		fputs(": ", out);
		tk_fputs_text(f->message, out);
		fprintf(out, " [%s]\n", f->rule->id);
	}
	return ferror(out) ? -1 : 0;
}

/* GitHub workflow commands: escape the message (%, CR, LF) and, in
 * properties, also ':' and ','. */
static void gh_escape(FILE *out, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': fputs("%25", out); break;
		case '\r': fputs("%0D", out); break;
		case '\n': fputs("%0A", out); break;
		case ':': fputs(property ? "%3A" : ":", out); break;
		case ',': fputs(property ? "%2C" : ",", out); break;
		default: fputc(*s, out);
		}
	}
}

static int render_github(const struct lint_ctx *ctx, FILE *out)
{
	size_t i;

	for (i = 0; i < ctx->nfindings; i++) {
		const struct lint_finding *f = &ctx->findings[i];
		char title[128];

		snprintf(title, sizeof(title), "%s %s", f->rule->id, f->rule->name);
		fprintf(out, "::%s file=", lint_sev_name(f->rule->sev));
		gh_escape(out, f->file, true);
		fprintf(out, ",line=%u,col=%u,title=", f->line, f->col);
		gh_escape(out, title, true);
		fputs("::", out);
		gh_escape(out, f->path, false);
		fputs(": ", out);
		gh_escape(out, f->message, false);
		/* the fix is a second line of the same annotation */
		fputs("%0Afix: ", out);
		gh_escape(out, f->fix, false);
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

/* ---- SARIF ---- */

/* The repository root that relative paths resolve against (GitHub code
 * scanning resolves %SRCROOT% to the checkout), and standard input. */
#define SARIF_SRCROOT "%SRCROOT%"
#define SARIF_STDIN "STDIN"

/* A path as an RFC 3986 URI reference: every byte but the unreserved
 * characters and '/' is percent-encoded (so ':' never reads as a scheme,
 * and '%', '#', '?', spaces and non-ASCII bytes survive). */
static char *uri_escape(const char *prefix, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(prefix), len = strlen(path);
	char *out = malloc(n + 3 * len + 1), *o;

	if (!out)
		return NULL;
	memcpy(out, prefix, n);
	o = out + n;
	for (; *path; path++) {
		unsigned char c = (unsigned char)*path;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* artifactLocation of a finding's file: an absolute path as a file: URI,
 * a relative one (leading "./" dropped) relative to %SRCROOT%, stdin as
 * "stdin" under STDIN (described in originalUriBaseIds). */
static json_t *sarif_artifact(const char *file)
{
	json_t *loc;
	char *uri;

	if (strcmp(file, "<stdin>") == 0)
		return json_pack("{s:s,s:s}", "uri", "stdin", "uriBaseId", SARIF_STDIN);
	if (file[0] == '/') {
		uri = uri_escape("file://", file);
		if (!uri)
			return NULL;
		loc = json_pack("{s:s}", "uri", uri);
	} else {
		while (file[0] == '.' && file[1] == '/')
			for (file += 2; *file == '/'; file++)
				;
		uri = uri_escape("", file);
		if (!uri)
			return NULL;
		loc = json_pack("{s:s,s:s}", "uri", uri, "uriBaseId", SARIF_SRCROOT);
	}
	free(uri);
	return loc;
}

/* partialFingerprints: the rule, the file, the object and the field path,
 * not the line, so that a finding keeps its identity when lines above it
 * move and code scanning does not open it again as new. */
static json_t *sarif_fingerprint(const struct lint_finding *f, const char *uri, const char *fqn)
{
	char *key = NULL, hexsum[9];
	int n = asprintf(&key, "%s%c%s%c%s%c%s", f->rule->id, 0, uri, 0, fqn, 0, f->path);

	if (n < 0)
		return NULL;
	snprintf(hexsum, sizeof(hexsum), "%08x", (unsigned)tk_fnv32a(key, (size_t)n));
	free(key);
	return json_pack("{s:s}", "spreadCheckFinding/v1", hexsum);
}

static json_t *sarif_rule(const struct lint_ctx *ctx, size_t i)
{
	const struct lint_rule *r = &lint_rules[i];
	char *md = NULL, *full = NULL;
	json_t *j;

	if (asprintf(&full, "%s; fix: %s", r->summary, r->fix) < 0)
		return NULL;
	if (asprintf(&md, "**%s %s** (%s%s): %s.\n\nFix: %s.\n\nSee the RULES section of spread-check(1).",
		     r->id, r->name, lint_sev_name(r->sev),
		     r->flags & LINT_NEEDS_NODES ? ", needs --nodes" : "", r->summary, r->fix) < 0) {
		free(full);
		return NULL;
	}
	j = json_pack("{s:s,s:s,s:{s:s},s:{s:s},s:s,s:{s:s,s:s},s:{s:s,s:b},s:{s:[s,s],s:s,s:s}}",
		      "id", r->id, "name", r->name,
		      "shortDescription", "text", r->summary,
		      "fullDescription", "text", full,
		      "helpUri", "man:spread-check(1)",
		      "help", "text", r->fix, "markdown", md,
		      "defaultConfiguration", "level", lint_sev_name(r->sev), "enabled", ctx->enabled[i],
		      "properties", "tags", "kubernetes", "topology-spread", "precision", "very-high",
		      "problem.severity", lint_sev_name(r->sev));
	free(md);
	free(full);
	return j;
}

static json_t *sarif_result(const struct lint_ctx *ctx, const struct lint_finding *f)
{
	const struct lint_object *o = &ctx->objects[f->object];
	json_t *res = NULL, *art, *fp;
	char *msg = NULL, *fqn = NULL;

	if (asprintf(&msg, "%s: %s", f->path, f->message) < 0)
		return NULL;
	if (asprintf(&fqn, "%s/%s%s%s", o->kind, o->ns ? o->ns : "", o->ns ? "/" : "", o->name) < 0) {
		free(msg);
		return NULL;
	}
	art = sarif_artifact(f->file);
	fp = art ? sarif_fingerprint(f, json_string_value(json_object_get(art, "uri")), fqn) : NULL;
	if (art && fp)
		res = json_pack("{s:s,s:I,s:s,s:{s:s},s:[{s:{s:O,s:{s:i,s:i}},s:[{s:s,s:s}]}],s:O,s:{s:s,s:s}}",
				"ruleId", f->rule->id, "ruleIndex", (json_int_t)(f->rule - lint_rules),
				"level", lint_sev_name(f->rule->sev),
				"message", "text", msg,
				"locations", "physicalLocation", "artifactLocation", art,
				"region", "startLine", (int)f->line, "startColumn", (int)f->col,
				"logicalLocations", "fullyQualifiedName", fqn, "kind", "object",
				"partialFingerprints", fp,
				"properties", "path", f->path, "fix", f->fix);
	json_decref(art);
	json_decref(fp);
	free(msg);
	free(fqn);
	return res;
}

static int render_sarif(const struct lint_ctx *ctx, FILE *out)
{
	json_t *root, *rules = json_array(), *results = json_array(), *x;
	size_t i;
	int rc;

	for (i = 0; i < lint_nrules; i++) {
		if (!(x = sarif_rule(ctx, i)))
			goto oom;
		json_array_append_new(rules, x);
	}
	for (i = 0; i < ctx->nfindings; i++) {
		if (!(x = sarif_result(ctx, &ctx->findings[i])))
			goto oom;
		json_array_append_new(results, x);
	}
	root = json_pack("{s:s,s:s,s:[{s:{s:{s:s,s:s,s:s,s:o}},s:{s:{s:{s:s}},s:{s:{s:s}}},s:s,s:o}]}",
			 "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
			 "version", "2.1.0",
			 "runs", "tool", "driver", "name", "spread-check", "version", TK_VERSION,
			 "informationUri", "man:spread-check(1)", "rules", rules,
			 "originalUriBaseIds",
			 SARIF_SRCROOT, "description", "text", "the directory spread-check lint ran in",
			 SARIF_STDIN, "description", "text", "standard input (lint -)",
			 "columnKind", "unicodeCodePoints",
			 "results", results);
	if (!root)
		return -1;
	rc = tk_emit_json_pretty(root, out);
	json_decref(root);
	return rc;
oom:
	json_decref(rules);
	json_decref(results);
	return -1;
}

/* Length of the UTF-8 sequence at s when it encodes a character XML 1.0
 * allows, else 0 (control characters, surrogates, overlong or broken
 * sequences, U+FFFE/U+FFFF). A NUL ends a sequence early, so s's end is
 * never passed. */
static size_t xml_char_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF || cp > 0x10FFFF)
		return 0;
	return n;
}

/* Text or an attribute value: markup characters as entities, CR as a
 * reference (a parser would turn a raw one into LF), and what XML cannot
 * hold (file names are any bytes) as '?'. */
static void xml_escape(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	while (*s) {
		switch (*s) {
		case '&': fputs("&amp;", out); s++; continue;
		case '<': fputs("&lt;", out); s++; continue;
		case '>': fputs("&gt;", out); s++; continue;
		case '"': fputs("&quot;", out); s++; continue;
		case '\'': fputs("&apos;", out); s++; continue;
		case '\r': fputs("&#13;", out); s++; continue;
		}
		n = xml_char_len(s);
		if (n) {
			fwrite(s, 1, n, out);
			s += n;
		} else {
			fputc('?', out);
			s++;
		}
	}
}

static bool fails(const struct lint_ctx *ctx, const struct lint_finding *f)
{
	return f->rule->sev == LINT_ERROR || ctx->strict;
}

static void junit_finding(FILE *out, const struct lint_finding *f)
{
	xml_escape(out, f->file);
	fprintf(out, ":%u:%u: %s: ", f->line, f->col, lint_sev_name(f->rule->sev));
	xml_escape(out, f->path);
	fputs(": ", out);
	xml_escape(out, f->message);
	fprintf(out, " [%s]\nfix: ", f->rule->id);
	xml_escape(out, f->fix);
	fputc('\n', out);
}

static int render_junit(const struct lint_ctx *ctx, FILE *out)
{
	size_t i, j, k, tests = 0, failures = 0;

	for (i = 0; i < ctx->nobjects; i++) {
		const struct lint_object *o = &ctx->objects[i];

		tests++;
		for (j = 0; j < o->count; j++)
			if (fails(ctx, &ctx->findings[o->first + j])) {
				failures++;
				break;
			}
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"spread-check lint\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
		tests, failures);
	for (i = 0; i < ctx->nobjects; ) {
		const char *file = ctx->objects[i].file;
		size_t end = i, ft = 0, ff = 0;

		while (end < ctx->nobjects && ctx->objects[end].file == file)
			end++;
		for (j = i; j < end; j++) {
			ft++;
			for (k = 0; k < ctx->objects[j].count; k++)
				if (fails(ctx, &ctx->findings[ctx->objects[j].first + k])) {
					ff++;
					break;
				}
		}
		fputs("  <testsuite name=\"", out);
		xml_escape(out, file);
		fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", ft, ff);
		for (j = i; j < end; j++) {
			const struct lint_object *o = &ctx->objects[j];
			size_t nfail = 0, nwarn = 0;

			fputs("    <testcase classname=\"", out);
			xml_escape(out, file);
			fputs("\" name=\"", out);
			xml_escape(out, *o->kind ? o->kind : "(no kind)");
			fputc('/', out);
			if (o->ns) {
				xml_escape(out, o->ns);
				fputc('/', out);
			}
			xml_escape(out, o->name);
			fprintf(out, " (line %u)\"", o->line);
			for (k = 0; k < o->count; k++) {
				if (fails(ctx, &ctx->findings[o->first + k]))
					nfail++;
				else
					nwarn++;
			}
			if (!nfail && !nwarn) {
				fputs("/>\n", out);
				continue;
			}
			fputs(">\n", out);
			if (nfail) {
				fprintf(out, "      <failure type=\"spread-check\" message=\"%zu finding%s\">", nfail,
					nfail == 1 ? "" : "s");
				for (k = 0; k < o->count; k++)
					if (fails(ctx, &ctx->findings[o->first + k]))
						junit_finding(out, &ctx->findings[o->first + k]);
				fputs("</failure>\n", out);
			}
			if (nwarn) {
				fputs("      <system-out>", out);
				for (k = 0; k < o->count; k++)
					if (!fails(ctx, &ctx->findings[o->first + k]))
						junit_finding(out, &ctx->findings[o->first + k]);
				fputs("</system-out>\n", out);
			}
			fputs("    </testcase>\n", out);
		}
		fputs("  </testsuite>\n", out);
		i = end;
	}
	fputs("</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}

int lint_render(const struct lint_ctx *ctx, enum tk_out mode, FILE *out)
{
	switch (mode) {
	case TK_OUT_TEXT: return render_text(ctx, out);
	case TK_OUT_GITHUB: return render_github(ctx, out);
	case TK_OUT_SARIF: return render_sarif(ctx, out);
	case TK_OUT_JUNIT: return render_junit(ctx, out);
	default: return render_json(ctx, out);
	}
}
