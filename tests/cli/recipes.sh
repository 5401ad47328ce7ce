# doc/recipes: the GNU parallel recipe runs here on real images; the
# Packer, Kubernetes and Ansible ones, whose tools are not here, are parsed
# (YAML with python3-yaml, HCL2 by a structural reader below), and every
# tlshive command line in any recipe must use real commands and options,
# every exit status a recipe names must be one tlshive documents, and each
# recipe must treat them as the contract says.
. "$srcdir/tests/cli/lib.sh"
need_tool jq
need_tool parallel
need_tool python3
if ! python3 -c 'import yaml' 2> /dev/null; then
	[ "${TLSHIVE_REQUIRE_TOOLS:-}" = 1 ] && fail "python3-yaml is not installed"
	skip "python3-yaml is not installed"
fi
R=$srcdir/doc/recipes

# The recipes call tlshive by name: this build's (through the JSON wrapper,
# so every document they make is held against its schema too).
mkdir bin
ln -s "$TLSHIVE" bin/tlshive
PATH=$T/bin:$PATH; export PATH

# What tlshive documents: its commands, each command's options (its own
# --help, as tests/cli/usage.sh reads them), its exit statuses (tlshive(8)).
"$TLSHIVE" --help | sed -n 's/^usage: *//; s/^ *tlshive \([a-z]*\) .*/\1/p' > commands
[ "$(wc -l < commands)" = 8 ] || { cat commands; fail "not eight commands in --help"; }
while read -r c; do
	"$TLSHIVE" "$c" --help | sed -n 's/^  *\(-[A-Za-z0-9]\), \(--[a-z0-9-]*\).*/\1\n\2/p; s/^  *\(--[a-z0-9-]*\).*/\1/p' > "opts.$c"
done < commands
grep -qx -- --dry-run opts.apply && ! grep -qx -- --dry-run opts.check || fail "options per command"
sed -n '/^\.Sh EXIT STATUS/,/^\.Sh /s/^\.It \([0-9][0-9]*\)$/\1/p' "$builddir/man/tlshive.8" > codes
[ "$(tr '\n' ' ' < codes)" = "0 1 2 75 " ] || fail "tlshive(8) EXIT STATUS: $(tr '\n' ' ' < codes)"

# recipes DIR: one line a fact, from every recipe in DIR:
#   cmd FILE COMMAND          a tlshive command line
#   opt FILE COMMAND OPTION   an option it gives
#   code FILE CODE            an exit status the recipe names
#   rule ACTION CODE          Kubernetes: podFailurePolicy's action for CODE
#   valid CODE                Packer: an exit status valid_exit_codes allows
#   changed_when EXPR         Ansible: apply's changed_when
# and with --packer-script OUT VAR=VALUE...: the Packer post-processor's
# inline lines, as packer would give them to /bin/sh -e, in OUT; with
# --job-command MOUNTPATH=DIR...: the Job's container command.
cat > recipes.py <<'PY'
import glob, json, os, re, shlex, sys, yaml

def die(f, msg):
    sys.exit("%s: %s" % (os.path.basename(f), msg))

# Shell text: a tlshive word, its command, and its words up to the end of
# the simple command (an operator, a redirection, a newline outside quotes).
def shell_cmds(text):
    lx = shlex.shlex(text.replace("\\\n", " "), posix=True, punctuation_chars="();<>|&\n")
    lx.whitespace = " \t\r"
    lx.whitespace_split = True
    yield from argv_cmds(list(lx), lambda w: w and set(w) <= set("();<>|&\n"))

def argv_cmds(words, stop=lambda w: False):
    for i, w in enumerate(words):
        if w == "tlshive" or w.endswith("/tlshive"):
            rest = []
            for x in words[i + 1:]:
                if stop(x):
                    break
                rest.append(x)
            yield rest

def emit_cmds(f, cmds):
    n = 0
    for argv in cmds:
        if not argv:
            die(f, "tlshive without a command")
        n += 1
        print("cmd", os.path.basename(f), argv[0])
        for w in argv[1:]:
            if w.startswith("-") and w != "-":
                print("opt", os.path.basename(f), argv[0],
                      w.split("=")[0] if w.startswith("--") else w[:2])
    return n

# Comments and prose: a `tlshive ...` in backquotes is a command line too.
def quoted_cmds(text):
    for span in re.findall(r"`([^`\n]*)`", text):
        yield from shell_cmds(span)

def walk(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        yield node
        for v in node:
            yield from walk(v)
    else:
        yield node

def yaml_recipe(f):
    text = open(f).read()
    docs = [d for d in yaml.safe_load_all(text) if d is not None]
    if not docs:
        die(f, "no YAML document")
    cmds = list(quoted_cmds("\n".join(l for l in text.split("\n") if l.lstrip().startswith("#"))))
    for d in docs:
        for n in walk(d):
            if isinstance(n, list) and n and n[0] in ("tlshive",):
                cmds.extend(argv_cmds([str(x) for x in n]))
            elif isinstance(n, str) and re.search(r"\btlshive ", n):
                cmds.extend(shell_cmds(n))
    if emit_cmds(f, cmds) == 0:
        die(f, "no tlshive command")
    return docs

# HCL2, structurally: tokens (strings with their ${...} templates,
# identifiers, numbers, punctuation, newlines), then a body of attributes
# (NAME = EXPR up to a newline outside brackets) and blocks
# (TYPE LABEL... { BODY }).  Enough to find the post-processor's inline
# lines and valid_exit_codes, and to refuse unbalanced or stray text.
def hcl_tokens(s, f):
    i, out, line = 0, [], 1
    while i < len(s):
        c = s[i]
        if c == "\n":
            out.append(("nl", "\n")); line += 1; i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#" or s.startswith("//", i):
            i = s.find("\n", i)
            i = len(s) if i < 0 else i
        elif s.startswith("/*", i):
            j = s.find("*/", i)
            if j < 0:
                die(f, "line %d: unterminated comment" % line)
            line += s.count("\n", i, j); i = j + 2
        elif c == '"':
            j, depth = i + 1, 0
            while True:
                if j >= len(s) or (s[j] == "\n" and depth == 0):
                    die(f, "line %d: unterminated string" % line)
                if s[j] == "\\":
                    j += 2; continue
                if depth == 0 and s.startswith("$${", j):
                    j += 3; continue
                if s.startswith("${", j) or s.startswith("%{", j):
                    depth += 1; j += 2; continue
                if depth and s[j] == "}":
                    depth -= 1
                elif depth == 0 and s[j] == '"':
                    break
                j += 1
            out.append(("str", s[i + 1:j])); i = j + 1
        elif re.match(r"[A-Za-z_]", c):
            m = re.match(r"[A-Za-z_][A-Za-z0-9_.-]*", s[i:])
            out.append(("id", m.group())); i += m.end()
        elif c.isdigit():
            m = re.match(r"[0-9]+", s[i:])
            out.append(("num", m.group())); i += m.end()
        elif s.startswith("<<", i):
            die(f, "line %d: heredoc: not read here" % line)
        elif c in "{}[](),=?:!<>&|+-*/%":
            out.append(("p", c)); i += 1
        else:
            die(f, "line %d: unexpected %r" % (line, c))
    return out

def hcl_body(toks, i, f, end):
    body = []
    while True:
        while i < len(toks) and toks[i][0] == "nl":
            i += 1
        if i == len(toks) or toks[i] == ("p", "}"):
            if (i == len(toks)) != (end is None):
                die(f, "unbalanced braces")
            return body, i + 1
        if toks[i][0] != "id":
            die(f, "expected an attribute or a block, got %r" % (toks[i][1],))
        name = toks[i][1]; i += 1
        if toks[i] == ("p", "="):
            i += 1; depth, expr = 0, []
            while i < len(toks) and not (toks[i][0] == "nl" and depth == 0):
                if toks[i][0] == "p" and toks[i][1] in "[({":
                    depth += 1
                elif toks[i][0] == "p" and toks[i][1] in "])}":
                    depth -= 1
                    if depth < 0:
                        die(f, "unbalanced brackets in %s" % name)
                if toks[i][0] != "nl":
                    expr.append(toks[i])
                i += 1
            if depth:
                die(f, "unbalanced brackets in %s" % name)
            body.append(("attr", name, expr))
        else:
            labels = []
            while toks[i][0] in ("str", "id"):
                labels.append(toks[i][1]); i += 1
            if toks[i] != ("p", "{"):
                die(f, "block %s: no {" % name)
            sub, i = hcl_body(toks, i + 1, f, "}")
            body.append(("block", name, labels, sub))

def hcl_unescape(s):
    return json.loads('"' + s.replace("\t", "\\t") + '"')

def hcl_render(s, env, f):
    def sub(m):
        if m.group(0) == "$${":
            return "${"
        if m.group(1) not in env:
            die(f, "${%s}: not a variable or local of the recipe" % m.group(1))
        return env[m.group(1)]
    return re.sub(r"\$\$\{|\$\{\s*((?:var|local)\.[A-Za-z0-9_]+)\s*\}", sub, hcl_unescape(s))

def hcl_recipe(f, script=None, overrides=()):
    body, _ = hcl_body(hcl_tokens(open(f).read(), f), 0, f, None)
    env, pp = {}, []
    def blocks(b, kind):
        return [x for x in b if x[0] == "block" and x[1] == kind]
    for v in blocks(body, "variable"):
        d = [a for a in v[3] if a[0] == "attr" and a[1] == "default"]
        if d and d[0][2][0][0] in ("str", "num", "id"):
            env["var." + v[2][0]] = d[0][2][0][1]
    for o in overrides:
        k, _, v = o.partition("=")
        env["var." + k] = v
    for l in blocks(body, "locals"):
        for a in l[3]:
            if a[0] == "attr" and len(a[2]) == 1 and a[2][0][0] == "str":
                env["local." + a[1]] = hcl_render(a[2][0][1], env, f)
    for b in blocks(body, "build"):
        pp += [x for x in blocks(b[3], "post-processor") if x[2] == ["shell-local"]]
    if len(pp) != 1:
        die(f, "not one shell-local post-processor")
    attrs = {a[1]: a[2] for a in pp[0][3] if a[0] == "attr"}
    if "inline" not in attrs or "valid_exit_codes" not in attrs:
        die(f, "the post-processor has no inline or no valid_exit_codes")
    inline = [t[1] for t in attrs["inline"] if t[0] == "str"]
    if [t for t in attrs["inline"] if t[0] not in ("str", "p")]:
        die(f, "inline is not a list of strings")
    lines = [hcl_render(s, env, f) for s in inline]
    if script:
        with open(script, "w") as o:
            o.write("\n".join(lines) + "\n")
    cmds = []
    for l in lines:
        cmds.extend(shell_cmds(l))
    text = open(f).read()
    cmds.extend(quoted_cmds("\n".join(l for l in text.split("\n") if l.lstrip().startswith("#"))))
    if emit_cmds(f, cmds) == 0:
        die(f, "no tlshive command")
    for t in attrs["valid_exit_codes"]:
        if t[0] == "num":
            print("valid", t[1]); print("code", os.path.basename(f), t[1])

def k8s_rules(f, docs):
    jobs = [d for d in docs if d.get("kind") == "Job"]
    if len(jobs) != 1 or jobs[0].get("apiVersion") != "batch/v1":
        die(f, "not one batch/v1 Job")
    spec = jobs[0]["spec"]
    if spec.get("completionMode") != "Indexed":
        die(f, "not an Indexed Job")
    if spec["template"]["spec"].get("restartPolicy") != "Never":
        die(f, "podFailurePolicy needs restartPolicy Never")
    for r in spec["podFailurePolicy"]["rules"]:
        e = r.get("onExitCodes")
        if e:
            if e.get("operator") != "In":
                die(f, "an onExitCodes rule that is not In")
            for v in e["values"]:
                print("rule", r["action"], v); print("code", os.path.basename(f), v)

def ansible(f, docs):
    for t in docs[0]:
        for k in ("until", "failed_when", "changed_when"):
            for v in (t.get(k) if isinstance(t.get(k), list) else [t.get(k)]):
                if isinstance(v, str):
                    for n in re.findall(r"\brc\s*(?:[!=<>]=?|(?:not\s+)?in)\s*(\[[^\]]*\]|\d+)", v):
                        for c in re.findall(r"\d+", n):
                            print("code", os.path.basename(f), c)
        a = t.get("ansible.builtin.command")
        if a and a["argv"][:2] == ["tlshive", "apply"]:
            print("changed_when", t["changed_when"])

# The Job's container command, its volumes' mount paths made the local
# directories given (MOUNTPATH=DIR): the argv, NUL-separated.
def job_command(f, mounts):
    docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    c = [d for d in docs if d.get("kind") == "Job"][0]["spec"]["template"]["spec"]["containers"]
    if len(c) != 1:
        die(f, "not one container")
    argv = c[0]["command"] + c[0].get("args", [])
    for m in mounts:
        k, _, v = m.partition("=")
        if k not in [v["mountPath"] for v in c[0]["volumeMounts"]]:
            die(f, "%s: not a mountPath" % k)
        argv = [a.replace(k + "/", v + "/") for a in argv]
    sys.stdout.write("\0".join(argv) + "\0")

d = sys.argv[1]
if len(sys.argv) > 2 and sys.argv[2] == "--job-command":
    job_command(os.path.join(d, "check-images-job.yaml"), sys.argv[3:])
    sys.exit(0)
if len(sys.argv) > 2 and sys.argv[2] == "--packer-script":
    hcl_recipe(os.path.join(d, "packer.pkr.hcl"), sys.argv[3], sys.argv[4:])
    sys.exit(0)
files = sorted(glob.glob(os.path.join(d, "*")))
for f in files:
    b = os.path.basename(f)
    try:
        if b.endswith((".yaml", ".yml")):
            docs = yaml_recipe(f)
            if any(isinstance(x, dict) and x.get("kind") == "Job" for x in docs):
                k8s_rules(f, docs)
            else:
                ansible(f, docs)
        elif b.endswith(".hcl"):
            hcl_recipe(f)
        elif b.endswith(".sh"):
            text = open(f).read()
            n = emit_cmds(f, list(shell_cmds(text)) + list(quoted_cmds(text)))
            if n == 0:
                die(f, "no tlshive command")
            for c in re.findall(r"\. == (\d+)|then (\d+)", text):
                print("code", b, c[0] or c[1])
        elif b.endswith(".md"):
            emit_cmds(f, quoted_cmds(open(f).read()))
        else:
            die(f, "not a kind of recipe this test reads")
    except (yaml.YAMLError, ValueError, KeyError, TypeError, IndexError) as e:
        die(f, "%s: %s" % (type(e).__name__, e))
PY

# lint DIR [FACTS]: the facts of DIR's recipes (in FACTS, default
# facts.mut) hold; else the first that does not, on standard error, and 1.
lint() {
	python3 recipes.py "$1" > "${2:-facts.mut}" || return 1
	while read -r kind a b c; do
		case $kind in
		cmd) grep -qx "$b" commands || { echo "$a: tlshive $b: not a command" >&2; return 1; } ;;
		opt) grep -qx -- "$c" "opts.$b" || { echo "$a: tlshive $b $c: not an option of $b" >&2; return 1; } ;;
		code) grep -qx "$b" codes || { echo "$a: exit status $b: not one tlshive documents" >&2; return 1; } ;;
		esac
	done < "${2:-facts.mut}"
}
lint "$R" facts 2> err || { cat err; fail "the recipes"; }
# every recipe is read, and the Packer, Kubernetes and Ansible ones each
# run apply or check
for f in packer.pkr.hcl check-images-job.yaml ansible-tasks.yml parallel-check.sh; do
	grep -q "^cmd $f \(apply\|check\)$" facts || fail "$f: no tlshive apply or check read in it"
done

# Made-up options, commands and statuses fail the lint, in each kind of
# recipe.
mutant() {	# mutant FILE SED-SCRIPT MESSAGE
	rm -rf mut; cp -r "$R" mut; chmod -R u+w mut
	sed "$2" "$R/$1" > "mut/$1"
	cmp -s "$R/$1" "mut/$1" && fail "mutant $1 $2: the recipe did not change"
	if lint mut 2> err; then fail "a recipe with $3 passes: $1 $2"; fi
	grep -q "$3" err || { cat err; fail "$1 $2: not '$3'"; }
}
mutant check-images-job.yaml 's/exec tlshive check --json/exec tlshive check --jason/' 'tlshive check --jason: not an option of check'
mutant ansible-tasks.yml 's/argv: \[tlshive, apply, --json,/argv: [tlshive, apply, --json, --exit-zero,/' 'tlshive apply --exit-zero: not an option of apply'
mutant packer.pkr.hcl 's/tlshive check --json/tlshive check --dry-run --json/' 'tlshive check --dry-run: not an option of check'
mutant packer.pkr.hcl 's/\[0, 1\] : \[0\]/[0, 1, 3010] : [0]/' 'exit status 3010: not one'
mutant parallel-check.sh 's/tlshive check --json ::::/tlshive verify --json ::::/' 'tlshive verify: not a command'
mutant parallel-check.sh 's/--from LIST --json/--from LIST --jsonl/' 'tlshive check --jsonl: not an option'
mutant check-images-job.yaml 's/values: \[75\]/values: [75, 76]/' 'exit status 76: not one'
mutant ansible-tasks.yml 's/rc not in \[0, 1\]/rc not in [0, 1, 3]/' 'exit status 3: not one'
mutant packer.pkr.hcl '$d' 'unbalanced braces'
mutant check-images-job.yaml 's/^  completionMode: Indexed/  completionMode: NonIndexed/' 'not an Indexed Job'

# Kubernetes: each status but 0 has a rule; a temporary error (75) is
# retried (Count, or Ignore); 1 and 2, which a retry meets again, fail.
grep '^rule ' facts | sort > rules
for c in 1 2 75; do
	[ "$(grep -c " $c$" rules)" = 1 ] || { cat rules; fail "Job: exit $c has not one rule"; }
done
grep -q '^rule \(Count\|Ignore\) 75$' rules || fail "Job: 75 is not retried"
for c in 1 2; do
	grep -q "^rule \\(FailIndex\\|FailJob\\) $c$" rules || fail "Job: exit $c is retried"
done
# The Job's pods, run here (their command, /lists a local directory, the
# images ROOT directories: --format is ignored there) one index after
# another: each exits with tlshive's status, and the policy's first rule
# for it (Kubernetes' order) says what becomes of its index.
action() {	# action RC: what the Job does with a pod that exited RC
	[ "$1" = 0 ] && { echo Succeeded; return; }
	awk -v rc="$1" '$1 == "rule" && $3 == rc { print $2; f = 1; exit } END { if (!f) print "Count" }' facts
}
mkdir lists
"$MKIMAGE" 2022 job0
"$TLSHIVE" apply --quiet job0 > /dev/null
"$MKIMAGE" 2019 job1
mkdir job2
printf '%s\n' "$T/job0" "$T/job1" "$T/job2" > lists/images.txt
python3 recipes.py "$R" --job-command /lists="$T/lists" | xargs -0 printf '%s\n' > job.argv
[ "$(sed -n 1,2p job.argv | tr '\n' ' ')" = "/bin/sh -c " ] || { cat job.argv; fail "Job: not a /bin/sh -c command"; }
python3 recipes.py "$R" --job-command /lists="$T/lists" | xargs -0 sh -c 'shift 2; printf %s "$1"' sh > job.sh
got=
for i in 0 1 2; do
	set +e; JOB_COMPLETION_INDEX=$i /bin/sh -c "$(cat job.sh)" > "job$i.json" 2> /dev/null; rc=$?; set -e
	jtrue ".image == \"$T/job$i\" and .exit == $rc" < "job$i.json" || fail "Job: index $i checked another image, or exited $rc"
	got="$got$i:$rc:$(action $rc) "
done
[ "$got" = "0:0:Succeeded 1:1:FailIndex 2:2:FailIndex " ] || fail "Job: $got"

# Packer: a build never passes an error or a temporary error
if grep -q '^valid \(2\|75\)$' facts; then fail "Packer: valid_exit_codes lets an error pass"; fi
grep -qx 'valid 0' facts || fail "Packer: 0 is not valid"

# The Packer post-processor's lines, as packer hands them to /bin/sh -e, on
# a sample image (a ROOT directory: tlshive takes --format and ignores it
# there): apply, then check, exit 0; a second run changes nothing.
mkdir out
"$MKIMAGE" 2022 out/win
python3 recipes.py "$R" --packer-script packer.sh output_directory="$T/out" vm_name=win > /dev/null
grep -q "tlshive apply .* $T/out/win > $T/out/win.tls-apply.json" packer.sh || { cat packer.sh; fail "Packer: the inline lines"; }
must_exit 1 "$TLSHIVE" check --quiet out/win > /dev/null
/bin/sh -e packer.sh > packer.out 2>&1 || { cat packer.out; fail "Packer: the post-processor failed"; }
grep -qx 'tlshive: [1-9][0-9]* values changed' packer.out || { cat packer.out; fail "Packer: what apply did"; }
jtrue '.changed and .outcome == "ok"' < out/win.tls-apply.json || fail "Packer: apply's document"
jtrue '.compliant and .exit == 0' < out/win.tls-check.json || fail "Packer: check's document"
must_exit 1 "$TLSHIVE" check --reg out/win.tls-undo.reg --quiet out/win > /dev/null
rm out/win.tls-*
/bin/sh -e packer.sh > packer.out 2>&1 || { cat packer.out; fail "Packer: a second run failed"; }
grep -qx 'tlshive: 0 values changed' packer.out || { cat packer.out; fail "Packer: a second run changed values"; }
# 75, another tlshive's lock held all along: three tries, then 75, which
# valid_exit_codes refuses
need_tool flock
python3 recipes.py "$R" --packer-script packer.sh output_directory="$T/out" vm_name=win retry_delay=0 > /dev/null
rm out/win.tls-*
hold flock -x "$(sys out/win)"
set +e; /bin/sh -e packer.sh > packer.out 2>&1; rc=$?; set -e
release
[ "$rc" = 75 ] || { cat packer.out; fail "Packer: a locked hive: exit $rc"; }
[ "$(grep -c 'another tlshive is changing this hive' packer.out)" = 3 ] || { cat packer.out; fail "Packer: not three tries on 75"; }
if grep -qx "valid $rc" facts; then fail "Packer: exit $rc valid"; fi
# an image tlshive cannot read fails the step with 2 at once
mkdir out/bad
python3 recipes.py "$R" --packer-script packer.sh output_directory="$T/out" vm_name=bad retry_delay=0 > /dev/null
set +e; /bin/sh -e packer.sh > packer.out 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || { cat packer.out; fail "Packer: an unreadable image: exit $rc"; }
[ "$(grep -c '^tlshive: ' packer.out)" = 1 ] || { cat packer.out; fail "Packer: 2 retried"; }
if grep -qx "valid $rc" facts; then fail "Packer: exit $rc valid"; fi

# Ansible: apply's changed_when, in jq on real apply --json output: changed
# on the first run, not on the second (rc 0 both times), and an error
# document (no "changed") is not read as a change.  The expression is
# pinned: change it, and change its jq here with it.
[ "$(sed -n 's/^changed_when //p' facts)" = 'tlshive_apply.rc == 0 and (tlshive_apply.stdout | from_json).changed' ] ||
	fail "Ansible: changed_when is not the expression this test evaluates"
changed_when() {	# changed_when RC STDOUT-FILE: what Ansible would decide
	[ "$1" = 0 ] && jq -e '.changed' "$2" > /dev/null && echo changed || echo ok
}
"$MKIMAGE" 2019 ans
for want in changed ok; do
	set +e; "$TLSHIVE" apply --json --wait -p recommended ans > a.json; rc=$?; set -e
	[ "$rc" = 0 ] || fail "Ansible: apply exit $rc"
	[ "$(changed_when "$rc" a.json)" = "$want" ] || fail "Ansible: changed_when is not $want"
done
set +e; "$TLSHIVE" apply --json --wait -p recommended out/bad > a.json 2> /dev/null; rc=$?; set -e
[ "$rc" = 2 ] && [ "$(changed_when "$rc" a.json)" = ok ] || fail "Ansible: an error read as a change"
# the check task's failed_when lets 1 through to the assert, which fails it
set +e; "$TLSHIVE" check --json -p recommended ans > /dev/null; rc=$?; set -e
[ "$rc" = 0 ] || fail "Ansible: check after apply: exit $rc"

# GNU parallel, for real: three images (one compliant, one not, one not
# Windows at all; a space in a name), one document each, the summary, and
# the worst status.
"$MKIMAGE" 2022 "img one"
"$TLSHIVE" apply --quiet "img one" > /dev/null
"$MKIMAGE" 2019 img2
mkdir broken
printf '%s\n' "img one" img2 broken > list
set +e; sh "$R/parallel-check.sh" list res > summary 2> p.err; rc=$?; set -e
[ "$rc" = 2 ] || { cat summary p.err; fail "parallel: exit $rc, not 2"; }
printf '%s\n' 'broken: error (not-windows)' 'img2: noncompliant' \
	'3 images: 1 compliant, 1 not compliant, 1 errors, 0 without a document' > want
diff -u want summary || fail "parallel: the summary"
[ "$(jq -r '"\(.image) \(.outcome) \(.exit)"' res/1 res/2 res/3 | tr '\n' ,)" = "img one ok 0,img2 noncompliant 1,broken error 2," ] ||
	fail "parallel: a document an image, on its line's number"
grep -q '^tlshive: broken: no Windows/System32/config/SYSTEM' res/3.err || fail "parallel: the error's message"
[ "$(awk -F'\t' 'NR > 1 { print $1, $7 }' res/joblog | sort -n | tr '\n' ,)" = "1 0,2 1,3 2," ] || fail "parallel: the joblog"
# stale results are refused, not summed
set +e; sh "$R/parallel-check.sh" list res > /dev/null 2>&1; rc=$?; set -e
[ "$rc" != 0 ] && [ "$(wc -l < res/joblog)" = 4 ] || fail "parallel: ran over old results"
# without the broken one: 1; once applied: 0
printf '%s\n' "img one" img2 > list
must_exit 1 sh "$R/parallel-check.sh" list res2 > summary
grep -qx '2 images: 1 compliant, 1 not compliant, 0 errors, 0 without a document' summary || fail "parallel: 1's summary"
"$TLSHIVE" apply --quiet img2 > /dev/null
must_exit 0 sh "$R/parallel-check.sh" list res3 > summary
[ "$(cat summary)" = '2 images: 2 compliant, 0 not compliant, 0 errors, 0 without a document' ] || fail "parallel: 0's summary"
# an image that gives no document (tlshive killed) counts as an error
printf '#!/bin/sh\n[ "$3" = img2 ] && kill -9 $$\nexec "%s" "$@"\n' "$TLSHIVE" > bin/tlshive.kill
rm bin/tlshive; mv bin/tlshive.kill bin/tlshive; chmod +x bin/tlshive
must_exit 2 sh "$R/parallel-check.sh" list res4 > summary
grep -qx '2 images: 1 compliant, 0 not compliant, 0 errors, 1 without a document' summary || { cat summary; fail "parallel: a missing document"; }
