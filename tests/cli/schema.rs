//! Validators for the report schemas in `tests/schemas`: the JSON Schema keywords the SARIF schema uses,
//! and the XML Schema constructs the JUnit schema uses. A keyword or construct they do not know makes the
//! validation fail, so a schema they cannot fully check is never passed silently.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------------------
// JSON Schema (draft-07 subset)

const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "title",
    "$schema",
    "$id",
    "definitions",
    "format",
];

/// Validates `v` against `schema` (resolving `#/definitions/...` in `root`); returns every error.
pub fn json_errors(root: &Value, schema: &Value, v: &Value, at: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let Some(obj) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errs.push(format!("{at}: not allowed"));
        }
        return errs;
    };
    for (k, s) in obj {
        match k.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let path = s.as_str().unwrap().trim_start_matches("#/");
                let mut target = root;
                for part in path.split('/') {
                    target = &target[part];
                }
                errs.extend(json_errors(root, target, v, at));
            }
            "type" => {
                let types: Vec<&str> = match s {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => panic!("type {s}"),
                };
                let ok = types.iter().any(|t| match *t {
                    "object" => v.is_object(),
                    "array" => v.is_array(),
                    "string" => v.is_string(),
                    "integer" => v.as_f64().is_some_and(|x| x.fract() == 0.0),
                    "number" => v.is_number(),
                    "boolean" => v.is_boolean(),
                    "null" => v.is_null(),
                    other => panic!("type {other}"),
                });
                if !ok {
                    errs.push(format!("{at}: {v} is not of type {s}"));
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (p, ps) in s.as_object().unwrap() {
                        if let Some(pv) = o.get(p) {
                            errs.extend(json_errors(root, ps, pv, &format!("{at}/{p}")));
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(o) = v.as_object() {
                    let known: BTreeSet<&String> = obj
                        .get("properties")
                        .and_then(Value::as_object)
                        .map(|p| p.keys().collect())
                        .unwrap_or_default();
                    for (p, pv) in o {
                        if !known.contains(p) {
                            errs.extend(json_errors(root, s, pv, &format!("{at}/{p}")));
                        }
                    }
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for r in s.as_array().unwrap() {
                        if !o.contains_key(r.as_str().unwrap()) {
                            errs.push(format!("{at}: missing required {r}"));
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, x) in a.iter().enumerate() {
                        errs.extend(json_errors(root, s, x, &format!("{at}/{i}")));
                    }
                }
            }
            "minItems" => {
                if v.as_array()
                    .is_some_and(|a| (a.len() as u64) < s.as_u64().unwrap())
                {
                    errs.push(format!("{at}: fewer than {s} items"));
                }
            }
            "uniqueItems" => {
                if let (Some(a), Some(true)) = (v.as_array(), s.as_bool()) {
                    let set: BTreeSet<String> = a.iter().map(|x| x.to_string()).collect();
                    if set.len() != a.len() {
                        errs.push(format!("{at}: items are not unique"));
                    }
                }
            }
            "minimum" => {
                if v.as_f64().is_some_and(|x| x < s.as_f64().unwrap()) {
                    errs.push(format!("{at}: {v} is below {s}"));
                }
            }
            "maximum" => {
                if v.as_f64().is_some_and(|x| x > s.as_f64().unwrap()) {
                    errs.push(format!("{at}: {v} is above {s}"));
                }
            }
            "pattern" => {
                if let Some(t) = v.as_str() {
                    if !regex::Regex::new(s.as_str().unwrap()).unwrap().is_match(t) {
                        errs.push(format!("{at}: {t:?} does not match {s}"));
                    }
                }
            }
            "enum" => {
                if !s.as_array().unwrap().contains(v) {
                    errs.push(format!("{at}: {v} is not one of {s}"));
                }
            }
            "anyOf" | "oneOf" => {
                let passing = s
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|alt| json_errors(root, alt, v, at).is_empty())
                    .count();
                let ok = if k == "anyOf" {
                    passing >= 1
                } else {
                    passing == 1
                };
                if !ok {
                    errs.push(format!("{at}: {passing} alternatives of {k} match"));
                }
            }
            other => panic!("the JSON schema uses '{other}', which this validator does not check"),
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------------------
// XML Schema (the subset of the JUnit schema: global elements with attributes, and children by reference in
// a sequence or choice)

#[derive(Debug, Default)]
struct ElementDecl {
    /// attribute → required
    attributes: BTreeMap<String, bool>,
    children: BTreeSet<String>,
    text: bool,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| AsRef::<str>::as_ref(&a.key) == name)
        .map(|a| a.value.to_string())
}

fn xsd(text: &str) -> BTreeMap<String, ElementDecl> {
    use quick_xml::events::{BytesStart, Event};
    let mut reader = quick_xml::Reader::from_str(text);
    let mut decls: BTreeMap<String, ElementDecl> = BTreeMap::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    // Returns whether the tag declared a global element.
    let mut declare =
        |e: &BytesStart<'_>, stack: &[String], current: &mut Option<String>| -> bool {
            let tag = AsRef::<str>::as_ref(&e.name()).to_string();
            if tag == "xs:schema" {
                return false;
            }
            if tag == "xs:element" && stack.len() == 1 {
                let name = attr(e, "name").expect("global elements are named");
                decls.entry(name.clone()).or_default().text =
                    attr(e, "type").as_deref() == Some("xs:string");
                *current = Some(name);
                return true;
            }
            let c = current.as_ref().unwrap_or_else(|| {
                panic!("the XML schema uses a top-level {tag}, which this validator does not check")
            });
            let d = decls.get_mut(c).unwrap();
            match tag.as_str() {
                "xs:complexType" => d.text |= attr(e, "mixed").as_deref() == Some("true"),
                "xs:attribute" => {
                    d.attributes.insert(
                        attr(e, "name").unwrap(),
                        attr(e, "use").as_deref() == Some("required"),
                    );
                }
                "xs:element" => {
                    d.children
                        .insert(attr(e, "ref").expect("child elements by reference"));
                }
                "xs:sequence" | "xs:choice" => {}
                other => panic!("the XML schema uses {other}, which this validator does not check"),
            }
            false
        };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                declare(&e, &stack, &mut current);
                stack.push(AsRef::<str>::as_ref(&e.name()).to_string());
            }
            Event::Empty(e) => {
                // An empty global element has no content to wait for.
                let global = declare(&e, &stack, &mut current);
                current = current.filter(|_| !global);
            }
            Event::End(_) => {
                let tag = stack.pop();
                if tag.as_deref() == Some("xs:element") && stack.len() == 1 {
                    current = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    decls
}

/// Validates an XML document against the JUnit XSD; returns every error.
pub fn xml_errors(schema: &str, doc: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let decls = xsd(schema);
    let mut errs = Vec::new();
    let mut reader = quick_xml::Reader::from_str(doc);
    let mut stack: Vec<String> = Vec::new();
    loop {
        let ev = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                errs.push(format!("not well-formed XML: {e}"));
                break;
            }
        };
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = AsRef::<str>::as_ref(&e.name()).to_string();
                match stack.last() {
                    None if !decls.contains_key(&name) => {
                        errs.push(format!("root element <{name}> is not declared"))
                    }
                    Some(parent) if !decls[parent].children.contains(&name) => {
                        errs.push(format!("<{name}> is not allowed in <{parent}>"))
                    }
                    _ => {}
                }
                if let Some(d) = decls.get(&name) {
                    let present: BTreeSet<String> = e
                        .attributes()
                        .flatten()
                        .map(|a| AsRef::<str>::as_ref(&a.key).to_string())
                        .collect();
                    for a in &present {
                        if !d.attributes.contains_key(a) {
                            errs.push(format!(
                                "<{name}> has attribute {a}, which the schema does not allow"
                            ));
                        }
                    }
                    for (a, required) in &d.attributes {
                        if *required && !present.contains(a) {
                            errs.push(format!("<{name}> lacks the required attribute {a}"));
                        }
                    }
                }
                if matches!(ev, Event::Start(_)) {
                    stack.push(name);
                }
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                if let Some(p) = stack.last() {
                    if !t.trim().is_empty() && !decls.get(p).is_some_and(|d| d.text) {
                        errs.push(format!("<{p}> may not contain text"));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    errs
}

#[test]
fn the_validators_reject_what_the_schemas_forbid() {
    let junit = std::fs::read_to_string(crate::root().join("tests/schemas/junit-10.xsd")).unwrap();
    assert!(
        xml_errors(
            &junit,
            r#"<testsuites><testsuite tests="1"><testcase name="a"/></testsuite></testsuites>"#
        )
        .is_empty()
    );
    let bad = xml_errors(
        &junit,
        r#"<testsuites skipped="0"><testsuite><testcase name="a"><bogus/></testcase></testsuite></testsuites>"#,
    );
    assert_eq!(bad.len(), 3, "{bad:?}");
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(crate::root().join("tests/schemas/sarif-schema-2.1.0.json"))
            .unwrap(),
    )
    .unwrap();
    let ok = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]});
    assert!(json_errors(&sarif, &sarif, &ok, "").is_empty());
    let bad = serde_json::json!({"version": "2.0", "runs": [{"tool": {"driver": {}}, "extra": 1}]});
    assert_eq!(json_errors(&sarif, &sarif, &bad, "").len(), 3);
}
