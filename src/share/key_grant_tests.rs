//! Share-key requests, answers and refusals, as a user would meet them.

use super::*;

fn at(t: &str) -> Timestamp {
    Timestamp::parse(t).unwrap()
}

fn app() -> ShareTarget {
    ShareTarget {
        kind: EntityKind::Application,
        id: "soil-sensors".into(),
    }
}

fn refused(status: u16, name: &str, attributes: &str) -> ApiError {
    let body = format!(
        r#"{{"code":7,"message":"m","details":[{{"namespace":"pkg/auth/rights","name":"{name}","message_format":"x","attributes":{attributes},"code":7}}]}}"#
    );
    ApiError::from_response(status, Some("application/json"), body.as_bytes())
}

#[test]
fn choices_are_applications_and_gateways_once_devices_counting_for_their_application() {
    let ids = crate::tts::parse_entities(
        "soil-sensors/soil-node-01, soil-sensors, cold-chain/fridge-01, gw:rooftop-gw-01, org:acme-iot",
    )
    .unwrap();
    let choices = ShareTarget::choices(&ids);
    let words: Vec<String> = choices.iter().map(ShareTarget::words).collect();
    assert_eq!(
        words,
        [
            "application soil-sensors",
            "application cold-chain",
            "gateway rooftop-gw-01"
        ]
    );
    assert_eq!(choices[2].entity(), "gw:rooftop-gw-01");
    assert_eq!(
        ShareTarget::from_entity("gw:rooftop-gw-01"),
        Some(choices[2].clone())
    );
    assert_eq!(ShareTarget::from_entity("soil-sensors"), Some(app()));
    assert_eq!(ShareTarget::from_entity("soil-sensors/soil-node-01"), None);
}

#[test]
fn the_request_has_the_read_only_preset_an_expiry_and_a_name() {
    let now = at("2026-11-29T14:05:09.518Z");
    assert_eq!(default_name(now), "Eventline share 2026-11-29");
    let grant = Grant::new(app(), " Eventline share 2026-11-29 ", ShareFor::Day, now).unwrap();
    let body: serde_json::Value = serde_json::from_str(&grant.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "name": "Eventline share 2026-11-29",
            "rights": ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_DEVICES_READ"],
            "expires_at": "2026-11-30T14:05:09Z",
        })
    );
    assert_eq!(
        ShareFor::Hour.until(now).to_rfc3339(),
        "2026-11-29T15:05:09Z"
    );
    assert_eq!(
        ShareFor::Week.until(now).to_rfc3339(),
        "2026-12-06T14:05:09Z"
    );
    let gw = ShareTarget {
        kind: EntityKind::Gateway,
        id: "rooftop-gw-01".into(),
    };
    assert_eq!(
        gw.rights(),
        [
            "RIGHT_GATEWAY_INFO",
            "RIGHT_GATEWAY_TRAFFIC_READ",
            "RIGHT_GATEWAY_STATUS_READ"
        ]
    );
    assert_eq!(
        gw.keys_url("https://tts.example.com"),
        "https://tts.example.com/api/v3/gateways/rooftop-gw-01/api-keys"
    );
    assert!(Grant::new(app(), "  ", ShareFor::Hour, now).is_err());
    assert!(Grant::new(app(), &"x".repeat(50), ShareFor::Hour, now).is_ok());
    let long = Grant::new(app(), &"é".repeat(51), ShareFor::Hour, now);
    assert!(long.is_err_and(|e| e.contains("at most 50")));
}

#[test]
fn the_answer_gives_id_key_and_expiry_and_nothing_else_passes() {
    let key = format!("NNSXS.{}.{}", "A".repeat(39), "B".repeat(52));
    let body = format!(
        r#"{{"id":"{}","key":"{key}","name":"n","rights":[],"expires_at":"2030-01-01T00:00:00Z"}}"#,
        "A".repeat(39)
    );
    let created = read_created(body.as_bytes()).unwrap();
    assert_eq!(created.id, "A".repeat(39));
    assert_eq!(created.key.expose(), key);
    assert_eq!(created.expires_at, at("2030-01-01T00:00:00Z"));
    assert!(!format!("{created:?}").contains(&key));
    for bad in [
        "{}".to_owned(),
        "not json".to_owned(),
        body.replace(&key, "NNSXS.SHORT.KEY"),
        body.replace("2030-01-01T00:00:00Z", "later"),
    ] {
        assert!(read_created(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn a_key_without_the_settings_right_gets_a_sentence_and_the_cli_command() {
    let now = at("2026-11-29T14:05:09Z");
    let grant = Grant::new(app(), "Eventline share 2026-11-29", ShareFor::Hour, now).unwrap();
    let e = refused(
        403,
        "insufficient_application_rights",
        r#"{"uid":"soil-sensors","missing":["RIGHT_APPLICATION_SETTINGS_API_KEYS"]}"#,
    );
    let r = refusal(&e, &grant);
    assert_eq!(
        r.sentence,
        "Your API key may not create keys for application soil-sensors: it lacks RIGHT_APPLICATION_SETTINGS_API_KEYS."
    );
    assert_eq!(
        r.command.as_deref(),
        Some(
            "ttn-lw-cli applications api-keys create --application-id soil-sensors --name \"Eventline share 2026-11-29\" \
             --right-application-info --right-application-traffic-read --right-application-devices-read \
             --expires-at 2026-11-29T15:05:09Z"
        )
    );
    let gw = Grant::new(
        ShareTarget {
            kind: EntityKind::Gateway,
            id: "rooftop-gw-01".into(),
        },
        "n",
        ShareFor::Hour,
        now,
    )
    .unwrap();
    let e = refused(
        403,
        "insufficient_gateway_rights",
        r#"{"uid":"rooftop-gw-01","missing":["RIGHT_GATEWAY_SETTINGS_API_KEYS"]}"#,
    );
    let r = refusal(&e, &gw);
    assert!(r.sentence.contains("lacks RIGHT_GATEWAY_SETTINGS_API_KEYS"));
    assert!(r.command.is_some_and(
        |c| c.starts_with("ttn-lw-cli gateways api-keys create --gateway-id rooftop-gw-01 ")
    ));
}

#[test]
fn other_refusals_say_what_the_key_lacks() {
    let grant = Grant::new(app(), "n", ShareFor::Hour, at("2026-11-29T14:05:09Z")).unwrap();
    let e = refused(
        403,
        "insufficient_application_rights",
        r#"{"uid":"soil-sensors","missing":["RIGHT_APPLICATION_DEVICES_READ","RIGHT_APPLICATION_TRAFFIC_READ"]}"#,
    );
    let r = refusal(&e, &grant);
    assert_eq!(
        r.sentence,
        "Your key cannot hand out rights it does not have: RIGHT_APPLICATION_DEVICES_READ, RIGHT_APPLICATION_TRAFFIC_READ."
    );
    assert_eq!(r.command, None);
    let r = refusal(
        &refused(403, "no_application_rights", r#"{"uid":"soil-sensors"}"#),
        &grant,
    );
    assert_eq!(
        r.sentence,
        "Your key has no rights on application soil-sensors, or it does not exist."
    );
}
