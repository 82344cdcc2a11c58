//! Answers checked against the OpenAPI description: a small JSON Schema validator for what
//! utoipa writes (`$ref`, `allOf`, `oneOf`, `anyOf`, `type` and type lists, `properties`,
//! `required`, `additionalProperties`, `items`, `enum`, `minimum`, `maximum`), tested on its
//! own below.

use super::Reply;
use serde_json::Value;
use std::sync::OnceLock;

/// The served description, parsed once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        serde_json::from_str(&silkroute_server::openapi_json()).expect("the description is JSON")
    })
}

/// Whether a path template (`/route/v1/{objective}/{places}`) matches a path.
fn matches(template: &str, path: &str) -> bool {
    let a: Vec<&str> = template.split('/').collect();
    let b: Vec<&str> = path.split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// Checks a reply against the description of its path, method and status; paths the
/// description does not list (the map, its assets, unknown paths) are not checked.
pub fn check_reply(method: &str, uri: &str, reply: &Reply) {
    let doc = document();
    let path = uri.split('?').next().unwrap_or(uri);
    let Some((_, item)) = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .find(|(template, _)| matches(template, path))
    else {
        return;
    };
    let operation = &item[method.to_ascii_lowercase()];
    if operation.is_null() {
        return; // a wrong method: 405, checked by its own test
    }
    let status = reply.status.as_u16().to_string();
    let response = &operation["responses"][&status];
    assert!(
        !response.is_null(),
        "{method} {uri}: status {status} is not described"
    );
    assert_eq!(
        reply.content_type, "application/json",
        "{method} {uri}: content type"
    );
    let schema = &response["content"]["application/json"]["schema"];
    let errors = validate(doc, schema, &reply.json(), "$");
    assert!(
        errors.is_empty(),
        "{method} {uri} ({status}) does not fit its schema:\n{}",
        errors.join("\n")
    );
}

/// The schema a `$ref` points to.
fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
    let schema = &doc["components"]["schemas"][name];
    assert!(!schema.is_null(), "$ref {reference} is not in the document");
    schema
}

fn type_fits(kind: &str, value: &Value) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        other => panic!("unsupported type {other}"),
    }
}

/// Every way `value` breaks `schema`, with its JSON path.
pub fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(object) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: no value is allowed"));
        }
        return errors;
    };
    if let Some(Value::String(reference)) = object.get("$ref") {
        errors.extend(validate(doc, resolve(doc, reference), value, at));
    }
    if let Some(Value::Array(all)) = object.get("allOf") {
        for part in all {
            errors.extend(validate(doc, part, value, at));
        }
    }
    if let Some(Value::Array(one)) = object.get("oneOf") {
        let fits = one
            .iter()
            .filter(|part| validate(doc, part, value, at).is_empty())
            .count();
        if fits != 1 {
            errors.push(format!(
                "{at}: fits {fits} of oneOf's {} schemas",
                one.len()
            ));
        }
    }
    if let Some(Value::Array(any)) = object.get("anyOf")
        && !any
            .iter()
            .any(|part| validate(doc, part, value, at).is_empty())
    {
        errors.push(format!("{at}: fits none of anyOf"));
    }
    match object.get("type") {
        Some(Value::String(kind)) if !type_fits(kind, value) => {
            errors.push(format!("{at}: expected {kind}, found {value}"));
            return errors;
        }
        Some(Value::Array(kinds))
            if !kinds
                .iter()
                .any(|k| type_fits(k.as_str().unwrap_or(""), value)) =>
        {
            errors.push(format!("{at}: expected one of {kinds:?}, found {value}"));
            return errors;
        }
        _ => {}
    }
    if let Some(Value::Array(options)) = object.get("enum")
        && !options.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {options:?}"));
    }
    if let Some(number) = value.as_f64() {
        if let Some(min) = object.get("minimum").and_then(Value::as_f64)
            && number < min
        {
            errors.push(format!("{at}: {number} < minimum {min}"));
        }
        if let Some(max) = object.get("maximum").and_then(Value::as_f64)
            && number > max
        {
            errors.push(format!("{at}: {number} > maximum {max}"));
        }
    }
    if let Some(members) = value.as_object() {
        let properties = object.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = object.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if !members.contains_key(name) {
                    errors.push(format!("{at}: lacks required `{name}`"));
                }
            }
        }
        for (name, member) in members {
            match properties.and_then(|p| p.get(name)) {
                Some(schema) => {
                    errors.extend(validate(doc, schema, member, &format!("{at}.{name}")))
                }
                None => match object.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{at}: unexpected `{name}`")),
                    Some(extra @ Value::Object(_)) => {
                        errors.extend(validate(doc, extra, member, &format!("{at}.{name}")))
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(array)) = (object.get("items"), value.as_array()) {
        for (index, item) in array.iter().enumerate() {
            errors.extend(validate(doc, items, item, &format!("{at}[{index}]")));
        }
    }
    errors
}

#[test]
fn the_validator_rejects_what_breaks_a_schema() {
    let doc = document();
    let place = serde_json::json!({"$ref": "#/components/schemas/PlaceRecord"});
    let good = serde_json::json!({"id": "xian", "name": "Xi'an", "country": "CN", "lat": 34.4, "lon": 109.1});
    assert!(validate(doc, &place, &good, "$").is_empty());
    let mut missing = good.clone();
    missing.as_object_mut().expect("object").remove("name");
    assert!(validate(doc, &place, &missing, "$")[0].contains("lacks required `name`"));
    let mut mistyped = good.clone();
    mistyped["lat"] = Value::from("north");
    assert!(validate(doc, &place, &mistyped, "$")[0].contains("$.lat: expected number"));
    let mut snapped = good.clone();
    snapped["snapped_km"] = Value::Null;
    assert!(
        validate(doc, &place, &snapped, "$").is_empty(),
        "a nullable member"
    );
    let code = serde_json::json!({"$ref": "#/components/schemas/Code"});
    assert!(validate(doc, &code, &Value::from("Ok"), "$").is_empty());
    assert!(!validate(doc, &code, &Value::from("Fine"), "$").is_empty());
    let answer = serde_json::json!({"$ref": "#/components/schemas/StatusAnswer"});
    assert!(!validate(doc, &answer, &serde_json::json!({"code": "Ok"}), "$").is_empty());
}
