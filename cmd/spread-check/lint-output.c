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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emit.h"
#include "lint.h"

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

		fprintf(out, "%s:%u:%u: %s: %s: %s [%s]\n", f->file, f->line, f->col,
			lint_sev_name(f->rule->sev), f->path, f->message, f->rule->id);
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

static int render_sarif(const struct lint_ctx *ctx, FILE *out)
{
	json_t *root = json_object(), *runs = json_array(), *run = json_object();
	json_t *tool = json_object(), *driver = json_object(), *rules = json_array();
	json_t *results = json_array();
	size_t i;
	int rc;

	json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("spread-check"));
	json_object_set_new(driver, "version", json_string(TK_VERSION));
	for (i = 0; i < lint_nrules; i++) {
		const struct lint_rule *r = &lint_rules[i];
		json_t *j = json_object(), *cfg = json_object();

		json_object_set_new(j, "id", json_string(r->id));
		json_object_set_new(j, "name", json_string(r->name));
		json_object_set_new(j, "shortDescription", json_pack("{s:s}", "text", r->summary));
		json_object_set_new(j, "help", json_pack("{s:s}", "text", r->fix));
		json_object_set_new(cfg, "level", json_string(lint_sev_name(r->sev)));
		json_object_set_new(cfg, "enabled", json_boolean(ctx->enabled[i]));
		json_object_set_new(j, "defaultConfiguration", cfg);
		json_array_append_new(rules, j);
	}
	json_object_set_new(driver, "rules", rules);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	for (i = 0; i < ctx->nfindings; i++) {
		const struct lint_finding *f = &ctx->findings[i];
		const struct lint_object *o = &ctx->objects[f->object];
		json_t *res = json_object(), *loc = json_object(), *phys = json_object();
		json_t *logical = json_object();
		char *msg = NULL, *fqn = NULL;

		if (asprintf(&msg, "%s: %s", f->path, f->message) < 0 ||
		    asprintf(&fqn, "%s/%s%s%s", o->kind, o->ns ? o->ns : "", o->ns ? "/" : "", o->name) < 0) {
			json_decref(res);
			json_decref(loc);
			json_decref(phys);
			json_decref(logical);
			json_decref(results);
			json_decref(run);
			json_decref(runs);
			json_decref(root);
			return -1;
		}
		json_object_set_new(res, "ruleId", json_string(f->rule->id));
		json_object_set_new(res, "ruleIndex", json_integer(f->rule - lint_rules));
		json_object_set_new(res, "level", json_string(lint_sev_name(f->rule->sev)));
		json_object_set_new(res, "message", json_pack("{s:s}", "text", msg));
		json_object_set_new(phys, "artifactLocation", json_pack("{s:s}", "uri", f->file));
		json_object_set_new(phys, "region", json_pack("{s:i,s:i}", "startLine", (int)f->line,
							      "startColumn", (int)f->col));
		json_object_set_new(loc, "physicalLocation", phys);
		json_object_set_new(logical, "fullyQualifiedName", json_string(fqn));
		json_object_set_new(logical, "kind", json_string("object"));
		json_object_set_new(loc, "logicalLocations", json_pack("[o]", logical));
		json_object_set_new(res, "locations", json_pack("[o]", loc));
		json_object_set_new(res, "properties", json_pack("{s:s,s:s}", "path", f->path, "fix", f->fix));
		json_array_append_new(results, res);
		free(msg);
		free(fqn);
	}
	json_object_set_new(run, "results", results);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	rc = tk_emit_json_pretty(root, out);
	json_decref(root);
	return rc;
}

static void xml_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			/* XML 1.0 has no place for other control characters */
			if (c < 0x20 && c != '\n' && c != '\t')
				fputc('?', out);
			else
				fputc(c, out);
		}
	}
}

static bool fails(const struct lint_ctx *ctx, const struct lint_finding *f)
{
	return f->rule->sev == LINT_ERROR || ctx->strict;
}

static void junit_finding(FILE *out, const struct lint_finding *f)
{
	fprintf(out, "%s:%u:%u: %s: ", f->file, f->line, f->col, lint_sev_name(f->rule->sev));
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
