#!/usr/bin/env bats
# common/doc.c: the YAML/JSON loader every tool reads through (tk-test doc|stream)
load test_helper/common

setup() { TMP=$(mktemp -d); }
teardown() { rm -rf "$TMP"; }

@test "plain scalars are typed as Kubernetes' YAML reader types them; quoted stay strings" {
	run -0 "$TK_TEST" doc "$FIXTURES/lib/typing.yaml"
	output_has ".a integer 1:4 1"
	output_has ".b string 2:4 0"
	output_has ".c boolean 3:4 yes"
	output_has ".d.e[2] null 4:20 ~"
	output_has ".d.e[3] integer 4:23 0x10"
	output_has ".d.e[1] number 4:15 2.5"
}

@test "aliases and merge keys resolve, explicit keys win over merged ones" {
	run -0 "$TK_TEST" doc "$FIXTURES/lib/typing.yaml"
	output_has ".f.e[0] integer 4:12 1"
	output_has ".g.h string 8:6 q"
	output_has ".g.e list 4:11"
}

@test "kind: List and *List documents are flattened into their items" {
	run -0 "$TK_TEST" doc "$FIXTURES/lib/multi.yaml"
	[ "$(grep -c '^--- item' <<<"$output")" -eq 3 ]
	output_has ".metadata.name string 11:11 two"
	output_has ".metadata.name string 14:11 three"
}

@test "streaming yields the same items as the tree loader" {
	for f in multi.yaml list.json typing.yaml bom-crlf.yaml; do
		a=$("$TK_TEST" doc "$FIXTURES/lib/$f")
		b=$("$TK_TEST" stream "$FIXTURES/lib/$f")
		[ "$a" = "$b" ] || { echo "differs: $f"; return 1; }
	done
}

@test "JSON input keeps positions" {
	run -0 "$TK_TEST" doc "$FIXTURES/lib/list.json"
	output_has ".metadata.name string 1:115 b"
}

@test "a BOM and CRLF line ends are accepted" {
	run -0 "$TK_TEST" doc "$FIXTURES/lib/bom-crlf.yaml"
	output_has ".metadata.name string 3:9 crlf"
}

@test "stdin is read with -" {
	run -0 "$TK_TEST" doc - <"$FIXTURES/lib/list.json"
	output_has ".kind string"
}

@test "syntax errors name file:line:col" {
	printf 'a: [unclosed\n  b: {\n' >"$TMP/garbage.yaml"
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/garbage.yaml"
	stderr_has "garbage.yaml:2:4: invalid YAML"
}

@test "a billion-laughs alias bomb is refused quickly" {
	{ echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'; p=a
	  for l in b c d e f g h i j k l m n o p q r s t u v w; do
	    printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $l $p $p $p $p $p $p $p $p $p $p; p=$l; done; } >"$TMP/bomb.yaml"
	run -2 --separate-stderr timeout "$(time_limit 5)" "$TK_TEST" doc "$TMP/bomb.yaml"
	stderr_has "bomb.yaml:"
	stderr_has "after alias expansion"
}

@test "10,000-deep nesting is refused" {
	python3 -c "print('['*10000 + ']'*10000)" >"$TMP/deep.yaml"
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/deep.yaml"
	stderr_has "deep.yaml:1:257: nesting too deep"
}

@test "deep nesting built through aliases is refused too" {
	{ echo 'a0: &a0 [1]'; for i in $(seq 1 300); do echo "a$i: &a$i [*a$((i-1))]"; done; } >"$TMP/chain.yaml"
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/chain.yaml"
	stderr_has "nesting too deep through alias"
}

@test "a 100 MB scalar is refused without reading it all" {
	{ printf 'a: '; head -c 100000000 /dev/zero | tr '\0' x; echo; } >"$TMP/big.yaml"
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/big.yaml"
	stderr_has "value too large"
}

@test "duplicate keys are an error at the second key" {
	printf 'a: 1\nb: 2\na: 3\n' >"$TMP/dup.yaml"
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/dup.yaml"
	stderr_has "dup.yaml:3:1: duplicate key 'a'"
}

@test "duplicate keys are found in big maps too" {
	{ echo '{'; for i in $(seq 1 100); do echo "k$i: $i,"; done; echo 'k7: 0}'; } >"$TMP/dup.yaml"
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/dup.yaml"
	stderr_has "duplicate key 'k7'"
}

@test "invalid UTF-8, NUL bytes and binary garbage are input errors" {
	printf 'a: \xff\xfe\n' >"$TMP/utf.yaml"
	printf 'a: b\0c\n' >"$TMP/nul.yaml"
	head -c 4096 /dev/urandom >"$TMP/bin.yaml"
	for f in utf nul bin; do
		run -2 --separate-stderr "$TK_TEST" doc "$TMP/$f.yaml"
		stderr_has "$f.yaml:"
	done
}

@test "a missing file is an input error naming it" {
	run -2 --separate-stderr "$TK_TEST" doc "$TMP/nope.yaml"
	stderr_has "nope.yaml: cannot open"
}

@test "a huge List streams in constant memory" {
	python3 -c "
import json; print(json.dumps({'kind':'List','items':[{'kind':'Pod','i':i} for i in range(300000)]}))" >"$TMP/l.json"
	run -0 bash -o pipefail -c "/usr/bin/time -f %M -o '$TMP/mem' '$TK_TEST' stream '$TMP/l.json' | tail -1"
	output_has ".i integer"
	output_has "299999"
	# the 8.5 MiB document is never held whole: under 8 MiB of memory in all
	# (ASan and valgrind measure themselves, not the stream)
	if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
		[ "$(tail -1 "$TMP/mem")" -lt 8192 ] || { echo "max RSS $(tail -1 "$TMP/mem") KiB"; return 1; }
	fi
}

@test "cpulists: canonical ascending ranges, never strides" {
	run -0 "$TK_TEST" cpulist "6,0,2,4,1"
	[ "${lines[0]}" = "0-2,4,6" ]
	run -1 "$TK_TEST" cpulist "3-1"
}

@test "several anchors in one document are released safely" {
	printf 'a: &one 1\nb: &two [*one]\nc: &one 3\nd: [*two, *one]\n' >"$TMP/anchors.yaml"
	run -0 "$TK_TEST" doc "$TMP/anchors.yaml"
	output_has ".d[0][0] integer 1:4 1"
	output_has ".d[1] integer 3:4 3"
}
