/* SPDX-License-Identifier: Apache-2.0 */
#include "helpers/sw_test.h"
#include "kiro/steering.h"
#include "kiro/workspace.h"
#include "base/fs.h"

#include <unistd.h>

struct mode_case {
	const char *text;
	enum kiro_inclusion want;
	size_t patterns;
	const char *diag; /* code of the one expected diagnostic, NULL for none */
};

static const struct mode_case modes[] = {
	{ "# no front matter\n", KIRO_INCLUDE_ALWAYS, 0, NULL },
	{ "---\ninclusion: always\n---\nx", KIRO_INCLUDE_ALWAYS, 0, NULL },
	{ "---\ntitle: t\n---\nx", KIRO_INCLUDE_ALWAYS, 0, NULL },
	{ "---\ninclusion: fileMatch\nfileMatchPattern: 'src/**/*.ts'\n---\n", KIRO_INCLUDE_FILEMATCH, 1, NULL },
	{ "---\ninclusion: fileMatch\nfileMatchPattern: ['**/*.ts', '**/*.tsx']\n---\n", KIRO_INCLUDE_FILEMATCH, 2, NULL },
	{ "---\ninclusion: fileMatch\nfileMatchPattern:\n  - a\n  - b\n  - c\n---\n", KIRO_INCLUDE_FILEMATCH, 3, NULL },
	{ "---\ninclusion: manual\n---\n", KIRO_INCLUDE_MANUAL, 0, NULL },
	{ "---\ninclusion: auto\nname: api\ndescription: REST API design. Use when designing endpoints.\n---\n",
	  KIRO_INCLUDE_AUTO, 0, NULL },
	{ "---\ninclusion: auto\nname: api\n---\n", KIRO_INCLUDE_AUTO, 0, "steering-auto" },
	{ "---\ninclusion: never\n---\n", KIRO_INCLUDE_ALWAYS, 0, "steering-inclusion" },
	{ "---\ninclusion: fileMatch\n---\n", KIRO_INCLUDE_FILEMATCH, 0, "steering-pattern" },
	{ "---\ninclusion: manual\nfileMatchPattern: '*.ts'\n---\n", KIRO_INCLUDE_MANUAL, 1, "steering-pattern" },
	{ "---\ninclusion: [always]\n---\n", KIRO_INCLUDE_ALWAYS, 0, "steering-field" },
	{ "---\ninclusion: always\nbad: [\n---\n", KIRO_INCLUDE_ALWAYS, 0, "steering-frontmatter" },
	{ "---\r\ninclusion: manual\r\n---\r\nbody\r\n", KIRO_INCLUDE_MANUAL, 0, NULL },
};

static void steering__inclusion_modes(void **state)
{
	size_t i;

	SW_UNUSED(state);
	for (i = 0; i < SW_ARRAY_SIZE(modes); i++) {
		struct kiro_steering_doc *doc = NULL;
		struct sw_diags d = SW_DIAGS_INIT;

		kiro_steering_parse(&doc, "x.md", "/nowhere/x.md", ".kiro/steering/x.md", KIRO_STEERING_WORKSPACE,
				    modes[i].text, strlen(modes[i].text), NULL, &d);
		if (doc->inclusion != modes[i].want || doc->patterns.nr != modes[i].patterns ||
		    d.nr != (modes[i].diag ? 1u : 0u) || (modes[i].diag && strcmp(d.v[0].code, modes[i].diag))) {
			sw_test_print_diags(&d);
			fail_msg("case %zu: inclusion %s, %zu patterns, %zu diagnostics", i,
				 kiro_inclusion_name(doc->inclusion), doc->patterns.nr, d.nr);
		}
		kiro_steering_doc_free(doc);
		sw_diags_release(&d);
	}
}

static void steering__unknown_inclusion_says_always(void **state)
{
	struct kiro_steering_doc *doc = NULL;
	struct sw_diags d = SW_DIAGS_INIT;
	const char *text = "---\ntitle: Git\ninclusion: never\n---\n";

	SW_UNUSED(state);
	kiro_steering_parse(&doc, "g.md", "/x/g.md", ".kiro/steering/g.md", KIRO_STEERING_WORKSPACE, text,
			    strlen(text), NULL, &d);
	assert_int_equal(d.nr, 1);
	assert_int_equal(d.v[0].severity, SW_SEV_WARNING);
	assert_int_equal(d.v[0].line, 3);
	assert_int_equal(d.v[0].col, 12);
	assert_non_null(strstr(d.v[0].msg, "Kiro treats the document as 'always'"));
	assert_non_null(strstr(d.v[0].hint, "manual"));
	assert_string_equal(doc->inclusion_raw, "never");
	/* unknown keys are kept */
	assert_string_equal(kiro_fm_get(doc->fm.root, "title")->value, "Git");
	kiro_steering_doc_free(doc);
	sw_diags_release(&d);
}

static void steering__load_merge_explain(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct kiro_steering_why *why = NULL;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *root = sw_path_join(dir, "ws"), *global = sw_path_join(dir, "home/.kiro");
	const struct kiro_steering_doc *doc;
	size_t i;

	SW_UNUSED(state);
	sw_test_write(root, ".kiro/steering/tech.md", "---\ninclusion: always\n---\nworkspace tech\n");
	sw_test_write(root, ".kiro/steering/sub dir/react rules.md",
		      "---\ninclusion: fileMatch\nfileMatchPattern: ['**/*.tsx', 'web/**']\n---\n");
	sw_test_write(root, ".kiro/steering/api.md", "---\ninclusion: manual\n---\n");
	sw_test_write(root, ".kiro/steering/skill.md", "---\ninclusion: auto\nname: s\ndescription: d\n---\n");
	sw_test_write(root, ".kiro/steering/notes.txt", "not steering");
	sw_test_write(root, "AGENTS.md", "# agents\n");
	sw_test_write(global, "steering/tech.md", "global tech\n");
	sw_test_write(global, "steering/personal.md", "---\ninclusion: always\n---\n");
	assert_sw_ok(kiro_steering_load(&st, root, global, &d, &err), &err);
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 0);
	assert_int_equal(st.nr, 6);
	doc = kiro_steering_find(&st, "tech");
	assert_non_null(doc);
	assert_int_equal(doc->scope, KIRO_STEERING_WORKSPACE);
	assert_string_equal(doc->overrides, "~/.kiro/steering/tech.md");
	doc = kiro_steering_find(&st, "personal.md");
	assert_int_equal(doc->scope, KIRO_STEERING_GLOBAL);
	assert_string_equal(doc->rel, "~/.kiro/steering/personal.md");
	doc = kiro_steering_find(&st, "sub dir/react rules.md");
	assert_non_null(doc);
	assert_string_equal(doc->rel, ".kiro/steering/sub dir/react rules.md");
	assert_string_equal(st.v[st.nr - 1]->name, "AGENTS.md");

	kiro_steering_explain(&why, &st, "src/App.tsx");
	for (i = 0; i < st.nr; i++) {
		const char *n = why[i].doc->name;

		if (!strcmp(n, "sub dir/react rules.md")) {
			assert_int_equal(why[i].load, KIRO_LOADS);
			assert_string_equal(why[i].pattern, "**/*.tsx");
		} else if (!strcmp(n, "api.md") || !strcmp(n, "skill.md")) {
			assert_int_equal(why[i].load, KIRO_LOADS_ON_REQUEST);
		} else {
			assert_int_equal(why[i].load, KIRO_LOADS);
		}
	}
	free(why);
	kiro_steering_explain(&why, &st, "src/main.c");
	doc = kiro_steering_find(&st, "sub dir/react rules.md");
	for (i = 0; i < st.nr; i++)
		if (why[i].doc == doc)
			assert_int_equal(why[i].load, KIRO_LOADS_NOT);
	free(why);
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(root);
	free(global);
	free(dir);
}

/* A workspace at $HOME: its .kiro is also the global folder, and loads once, as the workspace's. */
static void steering__home_workspace_loads_once(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *home = sw_test_tmpdir(), *global = sw_path_join(home, ".kiro"), *sub;

	SW_UNUSED(state);
	sw_test_write(home, ".kiro/steering/tech.md", "tech\n");
	assert_sw_ok(kiro_steering_load(&st, home, global, &d, &err), &err);
	assert_int_equal(st.nr, 1);
	assert_int_equal(st.v[0]->scope, KIRO_STEERING_WORKSPACE);
	assert_null(st.v[0]->overrides);
	assert_null(kiro_global_subdir(global, home, "steering"));
	sub = kiro_global_subdir(global, NULL, "steering");
	assert_non_null(sub);
	assert_true(sw_ends_with(sub, "/.kiro/steering"));
	assert_null(kiro_global_subdir(NULL, home, "steering"));
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(home);
	free(sub);
	free(global);
	free(home);
}

static void steering__file_references(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir();
	const struct sw_diag *dg;

	SW_UNUSED(state);
	sw_test_write(dir, "api/openapi.yaml", "openapi: 3\n");
	sw_test_write(dir, "docs/x.md", "x\n");
	sw_test_write(dir, ".kiro/steering/refs.md",
		      "---\ninclusion: always\n---\nSee #[[file:api/openapi.yaml]] and #[[file:docs/x.md:3-9]].\n"
		      "Folder #[[folder:docs]].\n```\n#[[file:in/code/block.md]]\n```\n"
		      "Missing: #[[file:api/missing.yaml]]\n");
	assert_sw_ok(kiro_steering_load(&st, dir, NULL, &d, &err), &err);
	assert_int_equal(st.v[0]->refs_nr, 4);
	assert_true(st.v[0]->refs[1].found);
	assert_string_equal(st.v[0]->refs[1].target, "docs/x.md");
	assert_true(st.v[0]->refs[2].folder);
	assert_int_equal(d.nr, 1);
	dg = sw_test_diag(&d, "steering-ref");
	assert_non_null(dg);
	assert_int_equal(dg->severity, SW_SEV_ERROR);
	assert_int_equal(dg->line, 9);
	assert_int_equal(dg->col, 10);
	assert_non_null(strstr(dg->msg, "'api/missing.yaml'"));
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

static void steering__comma_pattern_warning(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir();
	const struct sw_diag *dg;

	SW_UNUSED(state);
	sw_test_write(dir, "src/App.tsx", "x");
	sw_test_write(dir, ".kiro/steering/react.md",
		      "---\ninclusion: fileMatch\nfileMatchPattern: '*.tsx,*.jsx'\n---\n");
	sw_test_write(dir, ".kiro/steering/brace.md",
		      "---\ninclusion: fileMatch\nfileMatchPattern: 'src/*.{tsx,jsx}'\n---\n");
	sw_test_write(dir, ".kiro/steering/odd.md",
		      "---\ninclusion: fileMatch\nfileMatchPattern: 'a,b.txt'\n---\n");
	sw_test_write(dir, "a,b.txt", "a file whose name has a comma");
	assert_sw_ok(kiro_steering_load(&st, dir, NULL, &d, &err), &err);
	sw_test_print_diags(&d);
	assert_int_equal(d.nr, 1);
	dg = sw_test_diag(&d, "steering-pattern-comma");
	assert_non_null(dg);
	assert_string_equal(dg->path, ".kiro/steering/react.md");
	assert_int_equal(dg->line, 3);
	assert_int_equal(dg->col, 19);
	assert_string_equal(dg->hint, "use a list: fileMatchPattern: [\"*.tsx\", \"*.jsx\"]");
	assert_true(kiro_steering_pattern_has_comma("a,b"));
	assert_false(kiro_steering_pattern_has_comma("{a,b}"));
	assert_false(kiro_steering_pattern_has_comma("x\\,y"));
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

static void link_to(const char *target, const char *dir, const char *rel)
{
	char *p = sw_path_join(dir, rel);

	if (symlink(target, p) != 0)
		fail_msg("symlink %s -> %s: %s", p, target, strerror(errno));
	free(p);
}

/* The diagnostic with @code about @path, or NULL. */
static const struct sw_diag *diag_for(const struct sw_diags *d, const char *code, const char *path)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->v[i].code, code) && d->v[i].path && !strcmp(d->v[i].path, path))
			return &d->v[i];
	sw_test_print_diags(d);
	fail_msg("no %s diagnostic for '%s'", code, path);
	return NULL;
}

/* Links in .kiro/steering, ~/.kiro/steering or AGENTS.md that lead outside their root are not read. */
static void steering__links_leading_outside_are_refused(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *root = sw_path_join(dir, "ws"), *global = sw_path_join(dir, "home/.kiro");
	char *secret = sw_path_join(dir, "outside/hosts.md"), *docs = sw_path_join(root, "docs/conventions.md");
	const struct sw_diag *dg;
	size_t i;

	SW_UNUSED(state);
	sw_test_write(dir, "outside/hosts.md", "OUTSIDE-SECRET\n");
	sw_test_write(root, "docs/conventions.md", "Conventions inside.\n");
	sw_test_write(root, ".kiro/steering/tech.md", "Use C11.\n");
	sw_test_write(global, "steering/mine.md", "Mine.\n");
	link_to(secret, root, ".kiro/steering/x.md");
	link_to("../../docs/conventions.md", root, ".kiro/steering/conventions.md");
	link_to(secret, global, "steering/g.md");
	link_to(docs, global, "steering/from-ws.md");
	link_to(secret, root, "AGENTS.md");
	assert_sw_ok(kiro_steering_load(&st, root, global, &d, &err), &err);
	for (i = 0; i < st.nr; i++)
		if (strstr(st.v[i]->text.ptr, "OUTSIDE-SECRET") ||
		    (strstr(st.v[i]->text.ptr, "Conventions inside") && st.v[i]->scope == KIRO_STEERING_GLOBAL))
			fail_msg("'%s' was read: %s", st.v[i]->rel, st.v[i]->text.ptr);
	assert_non_null(kiro_steering_find(&st, "tech.md"));
	assert_non_null(kiro_steering_find(&st, "mine.md"));
	/* a link that stays inside the workspace is fine */
	assert_non_null(kiro_steering_find(&st, "conventions.md"));
	assert_string_equal(kiro_steering_find(&st, "conventions.md")->text.ptr, "Conventions inside.\n");
	assert_null(kiro_steering_find(&st, "x.md"));
	assert_null(kiro_steering_find(&st, "g.md"));
	assert_null(kiro_steering_find(&st, "from-ws.md"));
	assert_null(kiro_steering_find(&st, "AGENTS.md"));
	assert_int_equal(st.nr, 3);
	dg = diag_for(&d, "steering-outside", ".kiro/steering/x.md");
	assert_int_equal(dg->severity, SW_SEV_ERROR);
	assert_non_null(strstr(dg->msg, "'.kiro/steering/x.md' resolves outside the workspace ("));
	assert_non_null(strstr(dg->msg, "/outside/hosts.md); refused"));
	dg = diag_for(&d, "steering-outside", "~/.kiro/steering/g.md");
	assert_non_null(strstr(dg->msg, "resolves outside ~/.kiro ("));
	diag_for(&d, "steering-outside", "~/.kiro/steering/from-ws.md");
	diag_for(&d, "steering-outside", "AGENTS.md");
	assert_int_equal(d.errors, 4);
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(secret);
	free(docs);
	free(root);
	free(global);
	free(dir);
}

/* A front matter that cannot be read leaves the document out; it is not guessed to be "always". */
static void steering__unreadable_front_matter_is_not_loaded(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct kiro_steering_doc *doc = NULL;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir();
	const struct sw_diag *dg;
	const char *bad = "---\ninclusion: manual\nbad: [\n---\nPrivate notes.\n";

	SW_UNUSED(state);
	sw_test_write(dir, ".kiro/steering/ok.md", "fine\n");
	sw_test_write(dir, ".kiro/steering/broken.md", bad);
	assert_sw_ok(kiro_steering_load(&st, dir, NULL, &d, &err), &err);
	assert_int_equal(st.nr, 1);
	assert_null(kiro_steering_find(&st, "broken.md"));
	dg = diag_for(&d, "steering-frontmatter", ".kiro/steering/broken.md");
	assert_int_equal(dg->severity, SW_SEV_ERROR);
	assert_non_null(strstr(dg->msg, "not loaded"));
	kiro_steering_parse(&doc, "broken.md", "/x/broken.md", ".kiro/steering/broken.md", KIRO_STEERING_WORKSPACE,
			    bad, strlen(bad), NULL, &d);
	assert_true(doc->rejected);
	kiro_steering_doc_free(doc);
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(dir);
}

/* #[[file:...]] that resolves outside the workspace is an error, however it gets there. */
static void steering__references_outside_are_errors(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	char *dir = sw_test_tmpdir(), *root = sw_path_join(dir, "a/b/ws"), *out = sw_path_join(dir, "outside");
	size_t i, refused = 0;

	SW_UNUSED(state);
	sw_test_write(dir, "outside/secret.md", "secret\n");
	sw_test_write(root, "docs/ok.md", "ok\n");
	sw_test_write(root, ".kiro/steering/refs.md",
		      "See #[[file:../../../../../../../../etc/passwd]] and #[[file:docs/link.md]],\n"
		      "#[[file:docs/ok.md]] and #[[folder:docs/out]] and #[[file:docs/out/secret.md:1-2]].\n");
	link_to(out, root, "docs/out");
	{
		char *t = sw_path_join(out, "secret.md");

		link_to(t, root, "docs/link.md");
		free(t);
	}
	assert_sw_ok(kiro_steering_load(&st, root, NULL, &d, &err), &err);
	assert_int_equal(st.v[0]->refs_nr, 5);
	assert_true(st.v[0]->refs[2].found);
	for (i = 0; i < d.nr; i++) {
		if (strcmp(d.v[i].code, "steering-ref"))
			continue;
		assert_int_equal(d.v[i].severity, SW_SEV_ERROR);
		if (!strstr(d.v[i].msg, "resolves outside the workspace") || !strstr(d.v[i].msg, "refused"))
			fail_msg("unclear: %s", d.v[i].msg);
		refused++;
	}
	assert_int_equal(refused, 4);
	assert_non_null(strstr(sw_test_diag(&d, "steering-ref")->msg,
			       "referenced file '../../../../../../../../etc/passwd' resolves outside the workspace (/etc/passwd)"));
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_test_rmtree(dir);
	free(root);
	free(out);
	free(dir);
}

/* Expansion: content in, line ranges, folders; notes for what cannot come in; one level only. */
static void steering__expands_file_references(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct kiro_ref_budget budget = KIRO_REF_BUDGET_INIT;
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *dir = sw_test_tmpdir(), *root = sw_path_join(dir, "ws"), *secret = sw_path_join(dir, "secret.md");
	const struct kiro_steering_doc *doc;
	const char *text = "---\ninclusion: always\n---\n"
			   "API: #[[file:docs/api.md]]\n"
			   "Lines: #[[file:docs/lines.txt:2-3]]\n"
			   "Tree: #[[folder:docs]]\n"
			   "Gone: #[[file:docs/missing.md]]\n"
			   "Out: #[[file:docs/link.md]]\n"
			   "```\n#[[file:docs/api.md]]\n```\n";
	const char *head =
		"API: <file path=\"docs/api.md\">\nGET /users\nsee #[[file:docs/api.md]]\n</file>\n"
		"Lines: <file path=\"docs/lines.txt\" lines=\"2-3\">\ntwo\nthree\n</file>\n"
		"Tree: <folder path=\"docs\">\napi.md\nlines.txt\nlink.md\n</folder>\n"
		"Gone: [not included: #[[file:docs/missing.md]]: 'docs/missing.md' does not exist]\n"
		"Out: [not included: #[[file:docs/link.md]]: 'docs/link.md' resolves outside the workspace (";
	const char *tail = "/secret.md); refused]\n```\n#[[file:docs/api.md]]\n```\n";

	SW_UNUSED(state);
	sw_test_write(dir, "secret.md", "OUTSIDE-SECRET\n");
	sw_test_write(root, "docs/api.md", "GET /users\nsee #[[file:docs/api.md]]\n");
	sw_test_write(root, "docs/lines.txt", "one\ntwo\nthree\nfour\n");
	sw_test_write(root, ".kiro/steering/api.md", text);
	link_to(secret, root, "docs/link.md");
	assert_sw_ok(kiro_steering_load(&st, root, NULL, &d, &err), &err);
	doc = kiro_steering_find(&st, "api.md");
	kiro_steering_expand(&b, doc, root, &budget);
	if (strncmp(b.ptr, head, strlen(head)) || !strstr(b.ptr, tail) || !sw_ends_with(b.ptr, tail) ||
	    strstr(b.ptr, "OUTSIDE-SECRET"))
		fail_msg("expanded to:\n%s", b.ptr);
	/* the file itself is untouched, and the budget counts what came in */
	assert_string_equal(doc->text.ptr, text);
	assert_int_equal(budget.used, strlen("GET /users\nsee #[[file:docs/api.md]]\n") + strlen("two\nthree\n") +
			 strlen("api.md\nlines.txt\nlink.md\n"));
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_buf_release(&b);
	sw_test_rmtree(dir);
	free(secret);
	free(root);
	free(dir);
}

/* The caps: one file, the total across documents, and files that are not text. */
static void steering__expansion_caps(void **state)
{
	struct kiro_steering st = KIRO_STEERING_INIT;
	struct kiro_ref_budget budget = { 10, 16, 0 };
	struct sw_diags d = SW_DIAGS_INIT;
	struct sw_error err = SW_ERROR_INIT;
	struct sw_buf b = SW_BUF_INIT;
	char *dir = sw_test_tmpdir();
	FILE *fp;
	char *bin;

	SW_UNUSED(state);
	sw_test_write(dir, "a.txt", "12345678\n");
	sw_test_write(dir, "big.txt", "0123456789abcdef\n");
	sw_test_write(dir, ".kiro/steering/a.md", "#[[file:big.txt]]|#[[file:a.txt]]|#[[file:a.txt]]|#[[file:bin.dat]]");
	bin = sw_path_join(dir, "bin.dat");
	fp = fopen(bin, "wb");
	assert_non_null(fp);
	fwrite("a\0b", 1, 3, fp);
	fclose(fp);
	assert_sw_ok(kiro_steering_load(&st, dir, NULL, &d, &err), &err);
	kiro_steering_expand(&b, st.v[0], dir, &budget);
	if (!strstr(b.ptr, "[not included: #[[file:big.txt]]: larger than 0 KiB") ||
	    !strstr(b.ptr, "|<file path=\"a.txt\">\n12345678\n</file>|") ||
	    !strstr(b.ptr, "|[not included: #[[file:a.txt]]: the references of the steering already brought in") ||
	    !strstr(b.ptr, "[not included: #[[file:bin.dat]]: not text"))
		fail_msg("expanded to:\n%s", b.ptr);
	assert_int_equal(budget.used, 9);
	kiro_steering_release(&st);
	sw_diags_release(&d);
	sw_buf_release(&b);
	sw_test_rmtree(dir);
	free(bin);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steering__inclusion_modes),
		cmocka_unit_test(steering__unknown_inclusion_says_always),
		cmocka_unit_test(steering__load_merge_explain),
		cmocka_unit_test(steering__home_workspace_loads_once),
		cmocka_unit_test(steering__file_references),
		cmocka_unit_test(steering__comma_pattern_warning),
		cmocka_unit_test(steering__links_leading_outside_are_refused),
		cmocka_unit_test(steering__unreadable_front_matter_is_not_loaded),
		cmocka_unit_test(steering__references_outside_are_errors),
		cmocka_unit_test(steering__expands_file_references),
		cmocka_unit_test(steering__expansion_caps),
	};

	return sw_run_group("steering", tests);
}
