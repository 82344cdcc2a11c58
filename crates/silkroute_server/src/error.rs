//! Errors as the API answers them: an HTTP status and a body with a stable `code`, as OSRM
//! does (`InvalidQuery`, `InvalidValue`, `NoRoute`, ...), plus what a client needs to act on
//! it: the field at fault, suggestions for an unknown place, why each corridor has no route.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use silkroute_core::network::PlaceError;
use silkroute_core::route::{PlanError, RequestError};
use utoipa::ToSchema;

/// The stable, machine-readable codes of the API's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum Code {
    /// Success.
    Ok,
    /// No such path (HTTP 404).
    InvalidUrl,
    /// A known service with an unknown objective or version (HTTP 404).
    InvalidService,
    /// The query string or body does not parse, or names an unknown option.
    InvalidQuery,
    /// A value that parses but is out of range or unknown; `field` names it.
    InvalidValue,
    /// A place the network does not know; `suggestions` are the nearest names.
    UnknownPlace,
    /// Coordinates too far from every place.
    NoSegment,
    /// No route between the places; `reasons` says why, per corridor.
    NoRoute,
    /// More places, cells or bytes than the server's limits.
    TooBig,
    /// Every worker for long jobs is taken; retry later (HTTP 503).
    Busy,
    /// A job ran past the server's time limit and was stopped (HTTP 503).
    Timeout,
    /// The HTTP method is not served on this path (HTTP 405).
    MethodNotAllowed,
    /// A fault of the server, never of the input (HTTP 500).
    InternalError,
}

/// Why one corridor has no route between the places.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CorridorReason {
    /// Corridor id.
    pub corridor: String,
    /// Display name.
    pub name: String,
    /// Why it has no route.
    pub reason: String,
}

/// The body of every error.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, as a stable code.
    pub code: Code,
    /// What went wrong, in a sentence.
    pub message: String,
    /// The request field or parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// `UnknownPlace`: what was asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// `UnknownPlace`: the closest names of the network, best first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<String>>,
    /// `NoRoute`: why each corridor has no route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<CorridorReason>>,
}

/// An error answer: a status and a body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Body (boxed: errors travel in `Result`s of every handler).
    pub body: Box<ErrorBody>,
}

impl ApiError {
    /// An error with this code and message, the status its code implies.
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        let status = match code {
            Code::Ok => StatusCode::OK,
            Code::InvalidUrl | Code::InvalidService => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::Busy | Code::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Code::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError {
            status,
            body: Box::new(ErrorBody {
                code,
                message: message.into(),
                field: None,
                query: None,
                suggestions: None,
                reasons: None,
            }),
        }
    }

    /// `InvalidQuery`: something that does not parse.
    pub fn invalid_query(message: impl Into<String>) -> ApiError {
        ApiError::new(Code::InvalidQuery, message)
    }

    /// `InvalidValue` of `field`.
    pub fn invalid_value(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(Code::InvalidValue, message).with_field(field)
    }

    /// `TooBig`, naming the field.
    pub fn too_big(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(Code::TooBig, message).with_field(field)
    }

    /// The same error, naming `field`.
    pub fn with_field(mut self, field: &str) -> ApiError {
        self.body.field = Some(field.to_string());
        self
    }

    /// The same error with another HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> ApiError {
        self.status = status;
        self
    }

    /// A route request's error, with the request field renamed to the API's parameter.
    pub fn from_request(error: RequestError) -> ApiError {
        let field = parameter(error.field());
        match error {
            RequestError::Place { fault, .. } => ApiError::from_place(&field, fault),
            other => ApiError::invalid_value(&field, other.to_string()),
        }
    }

    /// A place that is not found, as `UnknownPlace` (with suggestions) or `NoSegment`.
    pub fn from_place(field: &str, fault: PlaceError) -> ApiError {
        let message = format!("{field}: {fault}");
        match fault {
            PlaceError::Unknown { query, suggestions } => {
                let mut error = ApiError::new(Code::UnknownPlace, message).with_field(field);
                error.body.query = Some(query);
                error.body.suggestions = Some(suggestions);
                error
            }
            PlaceError::TooFar { query, .. } => {
                let mut error = ApiError::new(Code::NoSegment, message).with_field(field);
                error.body.query = Some(query);
                error
            }
            _ => ApiError::invalid_value(field, message),
        }
    }

    /// A planning error: alternatives out of range, same places, an avoided end.
    pub fn from_plan(error: PlanError) -> ApiError {
        match error {
            PlanError::Alternatives { .. } => {
                ApiError::invalid_value("alternatives", error.to_string())
            }
            other => ApiError::invalid_value("places", other.to_string()),
        }
    }
}

/// The API's name of a core request field (`value_of_time_usd_per_day` → `value_of_time`).
pub fn parameter(field: &str) -> String {
    match field {
        "value_of_time_usd_per_day" => "value_of_time",
        "carbon_usd_per_t" => "carbon_price",
        "value_of_reliability_usd_per_day" => "value_of_reliability",
        other => other,
    }
    .to_string()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = matches!(self.body.code, Code::Busy | Code::Timeout);
        let mut response = (self.status, crate::answer::json_bytes(&self.body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
