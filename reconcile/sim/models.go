package sim

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// spec is the type of one field of a Platform API model, as the official
// SDKs declare it; bodies are checked against these before anything else,
// and a field a model lacks is refused as the platform refuses it.
type spec struct {
	kind   string   // string, boolean, integer, number, datetime, object, entity, array, any
	model  string   // object, entity: the model's name
	elem   *spec    // array: the element type
	values []string // string: the allowed values, when an enum
}

var (
	str      = spec{kind: "string"}
	boolean  = spec{kind: "boolean"}
	integer  = spec{kind: "integer"}
	number   = spec{kind: "number"}
	datetime = spec{kind: "datetime"}
	anything = spec{kind: "any"}
)

func obj(model string) spec      { return spec{kind: "object", model: model} }
func entity(model string) spec   { return spec{kind: "entity", model: model} }
func list(s spec) spec           { return spec{kind: "array", elem: &s} }
func enum(vs ...string) spec     { return spec{kind: "string", values: vs} }
func listOf(model string) spec   { return list(obj(model)) }
func entities(model string) spec { return list(entity(model)) }

// models are the request bodies the simulator accepts, field by field, as
// the Go SDK (platformclientv2 188) and the JavaScript SDK (262) define
// them; sdk_test.go checks them against the JavaScript SDK's typings.
var models = map[string]map[string]spec{
	"Policy": {
		"id": str, "name": str, "modifiedDate": datetime, "createdDate": datetime, "order": integer, "description": str,
		"enabled": boolean, "mediaPolicies": obj("MediaPolicies"), "conditions": obj("PolicyConditions"),
		"actions": obj("PolicyActions"), "policyErrors": obj("PolicyErrors"), "selfUri": str,
	},
	"MediaPolicies": {
		"callPolicy": obj("CallMediaPolicy"), "chatPolicy": obj("ChatMediaPolicy"),
		"emailPolicy": obj("EmailMediaPolicy"), "messagePolicy": obj("MessageMediaPolicy"),
	},
	"CallMediaPolicy":    {"actions": obj("PolicyActions"), "conditions": obj("CallMediaPolicyConditions")},
	"ChatMediaPolicy":    {"actions": obj("PolicyActions"), "conditions": obj("ChatMediaPolicyConditions")},
	"EmailMediaPolicy":   {"actions": obj("PolicyActions"), "conditions": obj("EmailMediaPolicyConditions")},
	"MessageMediaPolicy": {"actions": obj("PolicyActions"), "conditions": obj("MessageMediaPolicyConditions")},
	"PolicyConditions": {
		"forUsers": entities("PolicyUser"), "directions": list(enum(directionValues...)), "dateRanges": list(str),
		"mediaTypes": list(enum("CALL", "CHAT")), "forQueues": entities("Queue"), "duration": obj("DurationCondition"),
		"wrapupCodes": entities("WrapupCode"), "timeAllowed": obj("TimeAllowed"), "teams": entities("Team"),
		"customerParticipation": enum(participationValues...),
	},
	"CallMediaPolicyConditions": {
		"forUsers": entities("PolicyUser"), "dateRanges": list(str), "forQueues": entities("Queue"),
		"wrapupCodes": entities("WrapupCode"), "languages": entities("Language"), "timeAllowed": obj("TimeAllowed"),
		"teams": entities("Team"), "directions": list(enum(directionValues...)), "duration": obj("DurationCondition"),
	},
	"ChatMediaPolicyConditions": {
		"forUsers": entities("PolicyUser"), "dateRanges": list(str), "forQueues": entities("Queue"),
		"wrapupCodes": entities("WrapupCode"), "languages": entities("Language"), "timeAllowed": obj("TimeAllowed"),
		"teams": entities("Team"), "duration": obj("DurationCondition"),
	},
	"EmailMediaPolicyConditions":   digitalConditions,
	"MessageMediaPolicyConditions": digitalConditions,
	"PolicyActions": {
		"retainRecording": boolean, "deleteRecording": boolean, "alwaysDelete": boolean,
		"assignEvaluations": listOf("EvaluationAssignment"), "assignMeteredEvaluations": listOf("MeteredEvaluationAssignment"),
		"assignMeteredAssignmentByAgent": listOf("MeteredAssignmentByAgent"), "assignCalibrations": listOf("CalibrationAssignment"),
		"assignSurveys": listOf("SurveyAssignment"), "retentionDuration": obj("RetentionDuration"),
		"initiateScreenRecording": obj("InitiateScreenRecording"), "mediaTranscriptions": listOf("MediaTranscription"),
		"integrationExport": obj("IntegrationExport"),
	},
	"DurationCondition": {
		"durationTarget": enum(durationTargets...), "durationOperator": str, "durationRange": str, "durationMode": enum(durationModes...),
	},
	"TimeAllowed":       {"timeSlots": listOf("TimeSlot"), "timeZoneId": str, "empty": boolean},
	"TimeSlot":          {"startTime": str, "stopTime": str, "day": integer},
	"RetentionDuration": {"archiveRetention": obj("ArchiveRetention"), "deleteRetention": obj("DeleteRetention")},
	"ArchiveRetention":  {"days": integer, "storageMedium": enum("CLOUDARCHIVE")},
	"DeleteRetention":   {"days": integer},
	"PolicyErrors":      {"policyErrorMessages": listOf("PolicyErrorMessage")},
	"PolicyErrorMessage": {
		"statusCode": integer, "userMessage": anything, "userParamsMessage": str, "errorCode": str,
		"correlationId": str, "userParams": listOf("UserParam"), "insertDate": datetime,
	},
	"UserParam":            {"key": str, "value": str},
	"EvaluationAssignment": {"evaluationForm": entity("EvaluationForm"), "user": entity("User")},
	"MeteredEvaluationAssignment": {
		"evaluationContextId": str, "evaluators": entities("User"), "maxNumberEvaluations": integer,
		"evaluationForm": entity("EvaluationForm"), "assignToActiveUser": boolean, "timeInterval": obj("TimeInterval"),
	},
	"MeteredAssignmentByAgent": {
		"evaluationContextId": str, "evaluators": entities("User"), "maxNumberEvaluations": integer,
		"evaluationForm": entity("EvaluationForm"), "timeInterval": obj("TimeInterval"), "timeZone": str,
	},
	"CalibrationAssignment": {
		"calibrator": entity("User"), "evaluators": entities("User"), "evaluationForm": entity("EvaluationForm"), "expertEvaluator": entity("User"),
	},
	"SurveyAssignment": {
		"surveyForm": entity("PublishedSurveyFormReference"), "flow": entity("DomainEntityRef"), "inviteTimeInterval": str,
		"sendingUser": str, "sendingDomain": str, "useThreadingTimelineForSendTime": boolean,
	},
	"InitiateScreenRecording": {"recordACW": boolean, "archiveRetention": obj("ArchiveRetention"), "deleteRetention": obj("DeleteRetention")},
	"MediaTranscription":      {"displayName": str, "transcriptionProvider": enum("VOCI", "CALLJOURNEY"), "integrationId": str},
	"IntegrationExport":       {"integration": entity("DomainEntityRef"), "shouldExportScreenRecordings": boolean},
	"TimeInterval":            {"months": integer, "weeks": integer, "days": integer, "hours": integer},

	"RecordingJobsQuery": {
		"action": enum("ARCHIVE", "DELETE", "EXPORT"), "actionDate": datetime, "actionAge": integer,
		"screenRecordingActionDate": datetime, "screenRecordingActionAge": integer, "integrationId": str,
		"includeRecordingsWithSensitiveData": boolean, "includeScreenRecordings": boolean,
		"includePolicyBasedRecordings": boolean, "includeSnippetRecordings": boolean, "clearExport": boolean,
		"conversationQuery": obj("AsyncConversationQuery"), "agedConversationInterval": str,
	},
	"AsyncConversationQuery": {
		"conversationFilters": listOf("ConversationDetailQueryFilter"), "segmentFilters": listOf("SegmentDetailQueryFilter"),
		"evaluationFilters": list(anything), "surveyFilters": list(anything), "resolutionFilters": list(anything),
		"order": enum("asc", "desc", "unordered"), "orderBy": enum("conversationStart", "conversationEnd", "segmentStart", "segmentEnd"),
		"interval": str, "limit": integer, "startOfDayIntervalMatching": boolean,
	},
	"SegmentDetailQueryFilter": {"type": enum("and", "or"), "clauses": listOf("SegmentDetailQueryClause"), "predicates": listOf("SegmentDetailQueryPredicate")},
	"SegmentDetailQueryClause": {"type": enum("and", "or"), "predicates": listOf("SegmentDetailQueryPredicate")},
	"SegmentDetailQueryPredicate": {
		"type": enum("dimension", "property", "metric"), "dimension": str,
		"propertyType": enum("bool", "integer", "real", "date", "string", "uuid"), "property": str,
		"metric": enum("tSegmentDuration"), "operator": enum("matches", "exists", "notExists"), "value": str, "range": obj("NumericRange"),
	},
	"ConversationDetailQueryFilter": {"type": enum("and", "or"), "clauses": listOf("ConversationDetailQueryClause"), "predicates": listOf("ConversationDetailQueryPredicate")},
	"ConversationDetailQueryClause": {"type": enum("and", "or"), "predicates": listOf("ConversationDetailQueryPredicate")},
	"ConversationDetailQueryPredicate": {
		"type": enum("dimension", "property", "metric"), "dimension": str, "metric": str,
		"operator": enum("matches", "exists", "notExists"), "value": str, "range": obj("NumericRange"),
	},
	"NumericRange": {"gt": number, "gte": number, "lt": number, "lte": number},

	"PolicyUpdate":                        {"enabled": boolean},
	"ExecuteRecordingJobsQuery":           {"state": enum("PROCESSING")},
	"UpdateAnalyticsDataRetentionRequest": {"retentionDays": integer},
	"ConversationDeletionProtectionQuery": {"conversationIds": list(str)},
}

var digitalConditions = map[string]spec{
	"forUsers": entities("PolicyUser"), "dateRanges": list(str), "forQueues": entities("Queue"),
	"wrapupCodes": entities("WrapupCode"), "languages": entities("Language"), "timeAllowed": obj("TimeAllowed"),
	"teams": entities("Team"), "customerParticipation": enum(participationValues...),
}

// entityFields are the fields of an entity reference the simulator keeps:
// references are by id, and it refuses the rest of a full entity (the
// platform accepts one) rather than drop it from its answers.
var entityFields = map[string][]string{
	"EvaluationForm":               {"contextId"},
	"PublishedSurveyFormReference": {"contextId"},
}

// checkBody checks a JSON body against a model. The error names the field
// by its JSON path and says what is wrong.
func checkBody(data []byte, model string) *fieldError {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil // malformed JSON is answered by the decoder
	}
	return checkValue(v, obj(model), "")
}

func checkValue(v any, s spec, path string) *fieldError {
	if v == nil {
		return nil // null is an absent value
	}
	switch s.kind {
	case "object", "entity":
		m, ok := v.(map[string]any)
		if !ok {
			return typeError(path, "an object")
		}
		return checkObject(m, s, path)
	case "array":
		items, ok := v.([]any)
		if !ok {
			return typeError(path, "a list")
		}
		for i, x := range items {
			if fe := checkValue(x, *s.elem, fmt.Sprintf("%s[%d]", path, i)); fe != nil {
				return fe
			}
		}
		return nil
	case "string", "datetime":
		x, ok := v.(string)
		if !ok {
			return typeError(path, "text")
		}
		if s.kind == "datetime" {
			if _, err := time.Parse(time.RFC3339, x); err != nil {
				return &fieldError{path, fmt.Sprintf("Invalid date [%s] for field [%s]: expected ISO-8601, e.g. 2026-01-01T00:00:00.000Z", x, leaf(path))}
			}
		}
		if s.values != nil && !slices.Contains(s.values, x) {
			return enumError(path, x, s.values)
		}
		return nil
	case "integer", "number":
		n, ok := v.(json.Number)
		if !ok {
			return typeError(path, "a number")
		}
		if _, err := n.Int64(); s.kind == "integer" && err != nil {
			return typeError(path, "a whole number")
		}
		return nil
	case "boolean":
		if _, ok := v.(bool); !ok {
			return typeError(path, "true or false")
		}
	}
	return nil
}

func checkObject(m map[string]any, s spec, path string) *fieldError {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		sub := join(path, k)
		if s.kind == "entity" {
			if k != "id" && k != "name" && k != "selfUri" && !slices.Contains(entityFields[s.model], k) {
				return &fieldError{sub, fmt.Sprintf("Unrecognized field [%s]: the simulator takes %s references by id (and name, selfUri).", k, s.model)}
			}
			if fe := checkValue(m[k], str, sub); fe != nil {
				return fe
			}
			continue
		}
		f, ok := models[s.model][k]
		if !ok {
			return &fieldError{sub, fmt.Sprintf("Unrecognized field [%s] for %s.", k, s.model)}
		}
		if fe := checkValue(m[k], f, sub); fe != nil {
			return fe
		}
	}
	return nil
}

func typeError(path, want string) *fieldError {
	return &fieldError{path, fmt.Sprintf("Value for field [%s] has the wrong type: expected %s.", leaf(path), want)}
}

func leaf(path string) string { return path[strings.LastIndex(path, ".")+1:] }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
