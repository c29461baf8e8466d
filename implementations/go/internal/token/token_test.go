package token

import (
	"bytes"
	"testing"
)

func TestPreview(t *testing.T) {
	cases := []struct {
		token []byte
		want  string
	}{
		{nil, ""},
		{[]byte{0}, "AA=="},
		{bytes.Repeat([]byte{0xff}, 15), "////////////////////"},
		{bytes.Repeat([]byte{0xff}, 16), "////////////////////..."},
	}
	for _, c := range cases {
		if got := Preview(c.token); got != c.want {
			t.Errorf("Preview(%d bytes) = %q, want %q", len(c.token), got, c.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	token := []byte{0, 1, 0xfe, 0xff, 'a'}
	back, err := Decode(Encode(token))
	if err != nil || !bytes.Equal(back, token) {
		t.Fatalf("round trip: %v %v", back, err)
	}
	if _, err := Decode("not base64!"); err == nil {
		t.Fatal("Decode accepted garbage")
	}
}

func TestFingerprint(t *testing.T) {
	cases := []struct {
		token []byte
		want  string
	}{
		{nil, "e3b0c44298fc"},
		{[]byte("abc"), "ba7816bf8f01"},
		{make([]byte, 72), "834a709ba253"},
	}
	for _, c := range cases {
		if got := Fingerprint(c.token); got != c.want {
			t.Errorf("Fingerprint(%d bytes) = %q, want %q", len(c.token), got, c.want)
		}
	}
}
