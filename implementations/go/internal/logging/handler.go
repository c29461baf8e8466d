package logging

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// scrubHandler rewrites every record so that it carries no task token, then
// hands it on. It never drops a record.
//
// Values are turned into text before the wrapped handler formats them: bytes
// become their preview, errors, protos and other values their scrubbed text.
type scrubHandler struct {
	next slog.Handler
}

func (h scrubHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(scrubAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h scrubHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	scrubbed := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		scrubbed[i] = scrubAttr(a)
	}
	return scrubHandler{h.next.WithAttrs(scrubbed)}
}

func (h scrubHandler) WithGroup(name string) slog.Handler {
	return scrubHandler{h.next.WithGroup(name)}
}

// tokenKey tells whether an attribute's key names a token.
func tokenKey(key string) bool {
	k := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(key))
	return k == "token" || strings.HasSuffix(k, "tasktoken") || strings.HasSuffix(k, "callbacktoken")
}

func scrubAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		if tokenKey(a.Key) {
			return slog.String(a.Key, "<redacted>")
		}
		return slog.String(a.Key, Redact(v.String()))
	case slog.KindGroup:
		group := v.Group()
		scrubbed := make([]any, len(group))
		for i, g := range group {
			scrubbed[i] = scrubAttr(g)
		}
		return slog.Group(a.Key, scrubbed...)
	case slog.KindAny:
		return slog.String(a.Key, scrubValue(a.Key, v.Any()))
	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}

func scrubValue(key string, value any) string {
	switch x := value.(type) {
	case []byte:
		if tokenKey(key) {
			Mask(x)
		}
		return RedactedBytes(x)
	case error:
		return Redact(x.Error())
	case proto.Message:
		return Redact(redactProto(x))
	default:
		return Redact(fmt.Sprintf("%+v", x))
	}
}

// redactProto renders a message with every bytes field named like a token
// replaced by its preview (and the token masked for later records).
func redactProto(m proto.Message) string {
	if m == nil || !m.ProtoReflect().IsValid() {
		return fmt.Sprint(m)
	}
	clone := proto.Clone(m)
	redactMessage(clone.ProtoReflect())
	return fmt.Sprint(clone)
}

func redactMessage(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.BytesKind && !fd.IsList() && !fd.IsMap() && tokenKey(string(fd.Name())):
			Mask(v.Bytes())
			m.Set(fd, protoreflect.ValueOfBytes([]byte(RedactedBytes(v.Bytes()))))
		case fd.Kind() == protoreflect.MessageKind && fd.IsList():
			list := v.List()
			for i := 0; i < list.Len(); i++ {
				redactMessage(list.Get(i).Message())
			}
		case fd.Kind() == protoreflect.MessageKind && !fd.IsMap():
			redactMessage(v.Message())
		}
		return true
	})
}
