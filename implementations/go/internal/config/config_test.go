package config

import (
	"os"
	"path/filepath"
	"testing"
)

// isolate clears every TEMPORAL_* variable of the test's environment and points the profile
// file at an empty directory, so that only what a test sets is read.
func isolate(t *testing.T) {
	t.Helper()
	for _, name := range []string{
		"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_TLS",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH", "TEMPORAL_TLS_CLIENT_CERT_PATH",
		"TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_SERVER_NAME", "TEMPORAL_PROFILE",
	} {
		// t.Setenv restores the variable after the test; envconfig tells unset from empty.
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "absent.toml"))
}

func TestDefaultsWhenNothingIsSet(t *testing.T) {
	isolate(t)
	options, err := TemporalOptions()
	if err != nil {
		t.Fatal(err)
	}
	if options.HostPort != "localhost:7233" || options.Namespace != "default" {
		t.Fatalf("got %q %q, want localhost:7233 default", options.HostPort, options.Namespace)
	}
	if options.ConnectionOptions.TLS != nil || options.Credentials != nil {
		t.Fatal("plaintext without an API key expected when nothing is set")
	}
}

func TestTLSServerNameAndAPIKeyFromTheEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
	t.Setenv("TEMPORAL_NAMESPACE", "staging")
	t.Setenv("TEMPORAL_TLS", "true")
	t.Setenv("TEMPORAL_TLS_SERVER_NAME", "frontend.example")
	t.Setenv("TEMPORAL_API_KEY", "secret")
	options, err := TemporalOptions()
	if err != nil {
		t.Fatal(err)
	}
	if options.HostPort != "temporal.example:7233" || options.Namespace != "staging" {
		t.Fatalf("got %q %q", options.HostPort, options.Namespace)
	}
	tls := options.ConnectionOptions.TLS
	if tls == nil || tls.ServerName != "frontend.example" {
		t.Fatalf("TLS with server name frontend.example expected, got %+v", tls)
	}
	if options.Credentials == nil {
		t.Fatal("the API key was not read")
	}
}

func TestAClientCertificateWithoutItsKeyIsAnError(t *testing.T) {
	isolate(t)
	t.Setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", filepath.Join(t.TempDir(), "client.pem"))
	if _, err := TemporalOptions(); err == nil {
		t.Fatal("a client certificate without a key must be refused")
	}
}

func TestAProfileFromTheConfigFile(t *testing.T) {
	isolate(t)
	file := filepath.Join(t.TempDir(), "temporal.toml")
	profile := "[profile.staging]\naddress = \"staging.example:7233\"\nnamespace = \"ns\"\n"
	if err := os.WriteFile(file, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", file)
	t.Setenv("TEMPORAL_PROFILE", "staging")
	options, err := TemporalOptions()
	if err != nil {
		t.Fatal(err)
	}
	if options.HostPort != "staging.example:7233" || options.Namespace != "ns" {
		t.Fatalf("got %q %q from the profile", options.HostPort, options.Namespace)
	}
}

func TestCallerMaxActivities(t *testing.T) {
	isolate(t)
	t.Setenv("HANDSHAKE_CALLER_MAX_ACTIVITIES", "")
	if cfg, err := FromEnv(); err != nil || cfg.CallerMaxActivities != 0 {
		t.Fatalf("unset: got %d, %v; want 0 (the SDK's default)", cfg.CallerMaxActivities, err)
	}
	t.Setenv("HANDSHAKE_CALLER_MAX_ACTIVITIES", "10")
	if cfg, err := FromEnv(); err != nil || cfg.CallerMaxActivities != 10 {
		t.Fatalf("10: got %d, %v", cfg.CallerMaxActivities, err)
	}
	for _, bad := range []string{"0", "-1", "ten"} {
		t.Setenv("HANDSHAKE_CALLER_MAX_ACTIVITIES", bad)
		if _, err := FromEnv(); err == nil {
			t.Fatalf("%q must be refused", bad)
		}
	}
}
