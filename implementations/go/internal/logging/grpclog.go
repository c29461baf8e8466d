package logging

import (
	"fmt"
	"log/slog"
	"os"

	"google.golang.org/grpc/grpclog"
)

// grpcLogger sends gRPC's own logs through slog (and so through scrubbing).
// gRPC's info logs are chatty: they become debug records.
type grpcLogger struct {
	l *slog.Logger
}

func installGRPCLogger(l *slog.Logger) { grpclog.SetLoggerV2(grpcLogger{l}) }

func (g grpcLogger) Info(args ...any)                 { g.l.Debug(fmt.Sprint(args...)) }
func (g grpcLogger) Infoln(args ...any)               { g.l.Debug(fmt.Sprint(args...)) }
func (g grpcLogger) Infof(format string, args ...any) { g.l.Debug(fmt.Sprintf(format, args...)) }
func (g grpcLogger) Warning(args ...any)              { g.l.Warn(fmt.Sprint(args...)) }
func (g grpcLogger) Warningln(args ...any)            { g.l.Warn(fmt.Sprint(args...)) }
func (g grpcLogger) Warningf(format string, args ...any) {
	g.l.Warn(fmt.Sprintf(format, args...))
}
func (g grpcLogger) Error(args ...any)   { g.l.Error(fmt.Sprint(args...)) }
func (g grpcLogger) Errorln(args ...any) { g.l.Error(fmt.Sprint(args...)) }
func (g grpcLogger) Errorf(format string, args ...any) {
	g.l.Error(fmt.Sprintf(format, args...))
}
func (g grpcLogger) Fatal(args ...any)   { g.l.Error(fmt.Sprint(args...)); os.Exit(1) }
func (g grpcLogger) Fatalln(args ...any) { g.l.Error(fmt.Sprint(args...)); os.Exit(1) }
func (g grpcLogger) Fatalf(format string, args ...any) {
	g.l.Error(fmt.Sprintf(format, args...))
	os.Exit(1)
}
func (g grpcLogger) V(level int) bool { return level <= 0 }
