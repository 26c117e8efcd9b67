package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger routes go-retryablehttp's messages (each attempt, each retry
// and why) to Terraform's log, where TF_LOG shows them.
type tflogLogger struct{ ctx context.Context }

func (l tflogLogger) Error(msg string, kv ...any) { tflog.Error(l.ctx, msg, logFields(kv)) }
func (l tflogLogger) Warn(msg string, kv ...any)  { tflog.Warn(l.ctx, msg, logFields(kv)) }
func (l tflogLogger) Info(msg string, kv ...any)  { tflog.Info(l.ctx, msg, logFields(kv)) }
func (l tflogLogger) Debug(msg string, kv ...any) { tflog.Debug(l.ctx, msg, logFields(kv)) }

// logFields turns key-value pairs into tflog's fields.
func logFields(kv []any) map[string]any {
	fields := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		fields[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return fields
}
