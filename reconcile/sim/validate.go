package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/retainctl/retainctl/reconcile/genesys"
)

// fieldError is a validation failure on one field of a request body.
type fieldError struct {
	field string
	msg   string
}

// Enum values the API accepts (reference §2.3-2.4).
var (
	directionValues     = []string{"INBOUND", "OUTBOUND"}
	participationValues = []string{"YES", "NO"}
	durationTargets     = []string{"DURATION", "DURATION_RANGE"}
	durationModes       = []string{"Between", "Over", "Under"}
	topMediaTypes       = []string{"CALL", "CHAT"}
)

// validatePolicy rejects what the API rejects: a missing name, enum values
// outside their sets, negative days, and conditions a media type lacks.
func validatePolicy(p genesys.Policy) *fieldError {
	if strings.TrimSpace(p.Name) == "" {
		return &fieldError{"name", "The policy name is required and may not be blank."}
	}
	if p.Conditions != nil {
		for _, m := range p.Conditions.MediaTypes {
			if !slices.Contains(topMediaTypes, m) {
				return enumError("conditions.mediaTypes", m, topMediaTypes)
			}
		}
		if fe := checkConditions("conditions", p.Conditions, true, true); fe != nil {
			return fe
		}
	}
	if fe := checkActions("actions", p.Actions); fe != nil {
		return fe
	}
	if mp := p.MediaPolicies; mp != nil {
		for _, m := range []struct {
			name                         string
			pol                          *genesys.MediaPolicy
			directions, customerParticip bool
		}{
			{"callPolicy", mp.CallPolicy, true, false},
			{"chatPolicy", mp.ChatPolicy, false, false},
			{"emailPolicy", mp.EmailPolicy, false, true},
			{"messagePolicy", mp.MessagePolicy, false, true},
		} {
			if m.pol == nil {
				continue
			}
			base := "mediaPolicies." + m.name
			if fe := checkConditions(base+".conditions", m.pol.Conditions, m.directions, m.customerParticip); fe != nil {
				return fe
			}
			if fe := checkActions(base+".actions", m.pol.Actions); fe != nil {
				return fe
			}
		}
	}
	return nil
}

func checkConditions(base string, c *genesys.Conditions, directions, participation bool) *fieldError {
	if c == nil {
		return nil
	}
	if len(c.Directions) > 0 && !directions {
		return &fieldError{base + ".directions", "Unrecognized field [directions] for this media type."}
	}
	for _, d := range c.Directions {
		if !slices.Contains(directionValues, d) {
			return enumError(base+".directions", d, directionValues)
		}
	}
	if c.CustomerParticipation != "" {
		if !participation {
			return &fieldError{base + ".customerParticipation", "Unrecognized field [customerParticipation] for this media type."}
		}
		if !slices.Contains(participationValues, c.CustomerParticipation) {
			return enumError(base+".customerParticipation", c.CustomerParticipation, participationValues)
		}
	}
	if d := c.Duration; d != nil {
		if d.DurationTarget != "" && !slices.Contains(durationTargets, d.DurationTarget) {
			return enumError(base+".duration.durationTarget", d.DurationTarget, durationTargets)
		}
		if d.DurationMode != "" && !slices.Contains(durationModes, d.DurationMode) {
			return enumError(base+".duration.durationMode", d.DurationMode, durationModes)
		}
	}
	for _, refs := range [][]genesys.Ref{c.ForUsers, c.ForQueues, c.WrapupCodes, c.Languages, c.Teams} {
		for _, r := range refs {
			if strings.TrimSpace(r.ID) == "" {
				return &fieldError{base, "Every referenced entity needs an id."}
			}
		}
	}
	return nil
}

func checkActions(base string, a *genesys.Actions) *fieldError {
	if a == nil || a.RetentionDuration == nil {
		return nil
	}
	rd := a.RetentionDuration
	if ar := rd.ArchiveRetention; ar != nil {
		if ar.Days < 0 {
			return &fieldError{base + ".retentionDuration.archiveRetention.days", "Days may not be negative."}
		}
		if ar.StorageMedium != "" && ar.StorageMedium != genesys.StorageCloudArchive {
			return enumError(base+".retentionDuration.archiveRetention.storageMedium", ar.StorageMedium, []string{genesys.StorageCloudArchive})
		}
	}
	if dr := rd.DeleteRetention; dr != nil && dr.Days < 0 {
		return &fieldError{base + ".retentionDuration.deleteRetention.days", "Days may not be negative."}
	}
	return nil
}

func enumError(field, got string, allowed []string) *fieldError {
	return &fieldError{field, fmt.Sprintf("Value [%s] is not valid for field [%s]. Allowable values are: %s",
		got, field[strings.LastIndex(field, ".")+1:], strings.Join(allowed, ", "))}
}
