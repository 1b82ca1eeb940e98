#!/usr/bin/python3
"""validate.py SCHEMA YAMLFILE: every document of YAMLFILE must match SCHEMA
(tests/kube/pod-schema.json, a trimmed Kubernetes OpenAPI schema). Prints
one line per problem and exits 1 when there is any."""
import json
import sys

import jsonschema
import yaml


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    with open(sys.argv[2]) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    if not docs:
        print("no documents")
        return 1
    v = jsonschema.Draft7Validator(schema)
    bad = 0
    for i, d in enumerate(docs):
        kind = d.get("kind", "?") if isinstance(d, dict) else "?"
        # oneOf hides the reason: validate against the kind's own definition
        sub = {"$ref": "#/definitions/" + kind, "definitions": schema["definitions"]}
        if kind not in schema["definitions"]:
            print("document %d: unknown kind %s" % (i + 1, kind))
            bad += 1
            continue
        for e in jsonschema.Draft7Validator(sub).iter_errors(d):
            print("document %d (%s): %s: %s" % (i + 1, kind, "/".join(map(str, e.path)), e.message))
            bad += 1
        if not bad and not v.is_valid(d):
            print("document %d: does not match the schema" % (i + 1))
            bad += 1
    if not bad:
        print("ok: %d documents" % len(docs))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
