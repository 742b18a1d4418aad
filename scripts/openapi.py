#!/usr/bin/env python3
"""Writes the OpenAPI 3 document of the routes `sesame server --dev` serves.

Input: the route list (`sesame server --dev --print-routes`, one `METHOD /path` per line) on stdin, and the
Secret Server 11.7.61 operations and models: the subset of them the served routes use, committed as
spec/secret-server-11.7.61-served.json, or the whole reference (secret-server-11.7.61-spec.json, kept with the
project's research) given as the first argument. Output: Swift source with the document as a minified string
(stdout). With `--subset-out FILE`, also writes the operations and models the document used, so the committed
subset can be refreshed from the whole reference after routes are added.

Each served route takes the official operation's parameters, body and answer; the legacy v1 routes the spec no
longer lists borrow the v2 operation of the same path. Every 4xx answer is the real error shape (`message`, and
for 400 also `errorCode`, `messageDetail`, `modelState`). Run through scripts/openapi.
"""
import json
import re
import sys

args = sys.argv[1:]
subset_out = None
if "--subset-out" in args:
    index = args.index("--subset-out")
    subset_out = args[index + 1]
    del args[index:index + 2]
spec_path = args[0] if args else "spec/secret-server-11.7.61-served.json"
spec = json.load(open(spec_path))
models = spec["models"]


def normalize(method, path):
    path = path.lower()
    for prefix in ("/secretserver", "/api"):
        if path.startswith(prefix):
            path = path[len(prefix):]
    segments = ["{}" if s.startswith(":") or s.startswith("{") else s for s in path.split("/") if s]
    return method.upper() + " /" + "/".join(segments)


operations = {normalize(o["method"], o["path"]): o for o in spec["operations"]}
used_models = set()
used_operations = {}


def schema(rust_type):
    t = rust_type.strip()
    if t.startswith("Option<") and t.endswith(">"):
        return schema(t[7:-1])
    if t.startswith("Vec<") and t.endswith(">"):
        return {"type": "array", "items": schema(t[4:-1])}
    match = re.match(r"(?:std::collections::)?HashMap<\s*String\s*,\s*(.*)>$", t)
    if match:
        return {"type": "object", "additionalProperties": schema(match.group(1))}
    simple = {
        "i32": {"type": "integer", "format": "int32"}, "i64": {"type": "integer", "format": "int64"},
        "bool": {"type": "boolean"}, "f32": {"type": "number"}, "f64": {"type": "number"},
        "String": {"type": "string"}, "uuid::Uuid": {"type": "string", "format": "uuid"},
        "serde_json::Value": {}, "file": {"type": "string", "format": "binary"},
    }
    if t in simple:
        return dict(simple[t])
    if t in models:
        used_models.add(t)
        return {"$ref": f"#/components/schemas/{t}"}
    return {}


def nullable(s):
    if "$ref" in s:
        return {"allOf": [s], "nullable": True}
    if not s:
        return s
    return {**s, "nullable": True}


def model_schema(name):
    model = models[name]
    if model["kind"] == "enum":
        # The server accepts and answers enums as names; numbers are accepted too.
        return {"description": model.get("description", ""), "oneOf": [
            {"type": "string", "enum": model["values"]}, {"type": "integer"}]}
    properties = {}
    required = []
    for prop in model["properties"]:
        s = schema(prop["type"])
        properties[prop["name"]] = s if prop["required"] else nullable(s)
        if prop["required"]:
            required.append(prop["name"])
    result = {"type": "object", "description": model.get("description", ""), "properties": properties}
    if required:
        result["required"] = required
    return result


ERROR = {"type": "object", "required": ["message"], "properties": {
    "message": {"type": "string"}, "errorCode": {"type": "string", "nullable": True},
    "messageDetail": {"type": "string", "nullable": True}, "modelState": {"nullable": True},
}}
OAUTH_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string"}, "error_description": {"type": "string", "nullable": True},
}}


def operation_for(method, path):
    key = normalize(method, path)
    candidates = [key, key.replace(" /v1/", " /v2/", 1)]
    # PUT /v1/secrets/{id}/restricted, a legacy twin of the POST with the same body.
    candidates += [other + " " + key.split(" ", 1)[1] for other in ("POST", "GET")]
    for candidate in candidates:
        if candidate in operations:
            used_operations[candidate] = operations[candidate]
            return operations[candidate]
    return None


def document(routes):
    paths = {}
    missing = []
    seen_ids = set()
    for method, path in routes:
        key = normalize(method, path)
        if not path.startswith("/api/"):
            continue  # the token route is described below; the base-path copies and /openapi.json are not API
        op = operation_for(method, path)
        if op is None:
            missing.append(key)
            continue
        # The path as served, with the spec's parameter names in order.
        spec_names = re.findall(r"\{([^}]+)\}", op["path"])
        served = path.split("/")
        index = 0
        for i, segment in enumerate(served):
            if segment.startswith(":") or segment.startswith("{"):
                served[i] = "{" + spec_names[index] + "}"
                index += 1
        served_path = "/".join(served)
        parameters = []
        body = None
        form = {}
        for p in op["parameters"]:
            if p["in"] in ("path", "query"):
                s = schema(p["type"])
                if p["in"] == "path" and s.get("type") == "integer":
                    s = {"type": "integer", "format": "int32", "minimum": 0}
                parameters.append({"name": p["name"], "in": p["in"], "required": p["in"] == "path" or p["required"],
                                   "schema": s})
            elif p["in"] == "body":
                body = schema(p["type"])
            elif p["in"] == "form":
                form[p["name"]] = schema(p["type"])
        operation_id = op["operationId"]
        if operation_id in seen_ids:
            operation_id += "_" + method.lower()
        seen_ids.add(operation_id)
        operation = {
            "operationId": operation_id, "summary": op.get("summary", ""), "tags": [op.get("tag", "")],
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK"},
                "400": {"description": "Bad request or access denied",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}},
                "4XX": {"description": "Refused", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}},
            },
        }
        response = op.get("response")
        if response and response != "()":
            operation["responses"]["200"]["content"] = {"application/json": {"schema": schema(response)}}
        if body is not None:
            operation["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
        elif form:
            operation["requestBody"] = {"content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": form}}}}
        paths.setdefault(served_path, {})[method.lower()] = operation
    if missing:
        sys.exit("error: served routes with no operation in the spec: " + ", ".join(sorted(missing)))

    paths["/oauth2/token"] = {"post": {
        "operationId": "oauth2_token", "summary": "Signs in (password or refresh_token grant)", "security": [],
        "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "properties": {
                "grant_type": {"type": "string", "enum": ["password", "refresh_token", "client_credentials"]},
                "username": {"type": "string"}, "password": {"type": "string"}, "domain": {"type": "string"},
                "refresh_token": {"type": "string"}, "client_id": {"type": "string"}, "client_secret": {"type": "string"},
            }}}}},
        "responses": {
            "200": {"description": "A token", "content": {"application/json": {"schema": {"type": "object", "required": [
                "access_token", "token_type", "expires_in"], "properties": {
                "access_token": {"type": "string"}, "token_type": {"type": "string"},
                "expires_in": {"type": "integer"}, "refresh_token": {"type": "string", "nullable": True}}}}}},
            "400": {"description": "Refused", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
            "429": {"description": "Too many failed sign-ins", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}},
        }}}

    schemas = {"ErrorResponse": ERROR, "OAuthError": OAUTH_ERROR}
    done = set()
    while used_models - done:
        name = sorted(used_models - done)[0]
        done.add(name)
        schemas[name] = model_schema(name)
    return {
        "openapi": "3.0.3",
        "info": {"title": "sesame server --dev (Secret Server 11.7.61 compatible)", "version": "11.7.000061",
                 "description": "The routes the local Secret Server serves, with the official operations' "
                                "parameters and models. Generated by scripts/openapi."},
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }


routes = []
for line in sys.stdin:
    parts = line.split()
    if len(parts) == 2:
        routes.append((parts[0].upper(), parts[1]))
text = json.dumps(document(routes), separators=(",", ":"), sort_keys=False)
assert '"##' not in text and "\n" not in text
if subset_out:
    with open(subset_out, "w") as f:
        f.write(json.dumps({
            "x-source": "The operations and models of the Secret Server 11.7.61 reference (secret-server-11.7.61-spec.json, "
                        "rebuilt from openapi-generator clients of Delinea's TokenAuth swagger.json) that the routes "
                        "`sesame server --dev` serves use; written by scripts/openapi --from-reference.",
            "operations": sorted(used_operations.values(), key=lambda o: (o["path"], o["method"])),
            "models": {name: models[name] for name in sorted(used_models)},
        }, indent=1) + "\n")
print("// swift-format-ignore-file")
print("// Generated by scripts/openapi from spec/secret-server-11.7.61-served.json; do not edit.")
print("// The routes `sesame server --dev` serves, as an OpenAPI 3 document (served at /openapi.json), minified.")
print()
print("enum OpenAPIDocument {")
print("    static let json = ##\"" + text + "\"##")
print("}")
