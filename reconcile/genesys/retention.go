package genesys

import (
	"context"
	"net/http"
)

const routeDataRetention = "/api/v2/analytics/dataretention/settings"

// GetDataRetention reads the organisation's analytics data retention.
func (c *Client) GetDataRetention(ctx context.Context) (DataRetention, error) {
	var d DataRetention
	err := c.do(ctx, call{method: http.MethodGet, route: routeDataRetention, path: routeDataRetention}, &d)
	return d, err
}

// PutDataRetention sets it (the API accepts 90 days to 5 years).
func (c *Client) PutDataRetention(ctx context.Context, days int) (DataRetention, error) {
	var d DataRetention
	body := struct {
		RetentionDays int `json:"retentionDays"`
	}{days}
	err := c.do(ctx, call{method: http.MethodPut, route: routeDataRetention, path: routeDataRetention, body: body}, &d)
	return d, err
}
