#!/usr/bin/env python3
"""Checks tlshive's JSON output against the schemas in schemas/.

validate-json.py SCHEMADIR FILE...: each FILE holds what one tlshive --json
run printed (FILE.argv, if there, its command line): none, one or several
documents (JSON Lines for several images, pretty-printed documents one
after another otherwise).  Every document must be one of the kinds of
schemas/document.schema.json.  Prints the reasons for each invalid document
or unreadable file and exits 1 if there was any.

The validator is the python3-jsonschema package (Debian 12 ships 4.10.3):
an implementation of JSON Schema that is not ours, so the schemas and the
output are held against each other by a third party.  Only what 4.10
knows of Draft 2020-12 is used.
"""
import json
import os
import sys
import warnings

import jsonschema
from jsonschema import Draft202012Validator

# jsonschema 4.18 and later deprecate RefResolver for the referencing
# package, which 4.10 does not have; the one resolver works in both
warnings.filterwarnings("ignore", category=DeprecationWarning)

KINDS = ("run", "error", "settings")


def load_schemas(d):
    store = {}
    for kind in KINDS + ("document",):
        path = os.path.abspath(os.path.join(d, kind + ".schema.json"))
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        store["file://" + path] = schema
    return store


def validator(store, d, kind):
    uri = "file://" + os.path.abspath(os.path.join(d, kind + ".schema.json"))
    resolver = jsonschema.RefResolver(uri, store[uri], store=store)
    return Draft202012Validator(store[uri], resolver=resolver)


def documents(text):
    """The JSON values in text, one after another, with their line."""
    dec = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i == n:
            return
        line = text.count("\n", 0, i) + 1
        try:
            doc, i = dec.raw_decode(text, i)
        except json.JSONDecodeError as e:
            raise ValueError("line %d: not JSON: %s" % (line, e.msg))
        yield line, doc


def kind_of(doc):
    """The schema whose errors say most about a document that is none."""
    if not isinstance(doc, dict):
        return "run"
    if "command" in doc:
        return "run"
    if "settings" in doc and "outcome" not in doc:
        return "settings"
    return "error"


def where(err):
    return "/".join(str(p) for p in err.absolute_path) or "(top)"


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: validate-json.py SCHEMADIR [FILE...]\n")
        return 2
    d = argv[1]
    store = load_schemas(d)
    anydoc = validator(store, d, "document")
    kinds = {k: validator(store, d, k) for k in KINDS}
    bad = 0
    for name in argv[2:]:
        try:
            with open(name, encoding="utf-8") as f:
                text = f.read()
            docs = list(documents(text))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print("%s: %s" % (name, e))
            bad += 1
            continue
        for line, doc in docs:
            if anydoc.is_valid(doc):
                continue
            bad += 1
            if os.path.exists(name + ".argv"):
                with open(name + ".argv", encoding="utf-8") as f:
                    print("%s: printed by %s" % (name, f.read().strip()))
            k = kind_of(doc)
            errs = sorted(kinds[k].iter_errors(doc), key=lambda e: list(e.absolute_path))
            if not errs:
                print("%s:%d: matches more than one kind of document" % (name, line))
            for e in errs[:5]:
                print("%s:%d: %s schema: %s: %s" % (name, line, k, where(e), e.message))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
