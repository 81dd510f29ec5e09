package pterodactyl

/*
#include <pterodactyl.h>
*/
import "C"

import (
	"encoding/json"
	"strings"
	"time"
)

// Status is what a call did: the library's PteroStatus numbers (stable, never reused).
type Status int

// The statuses of include/pterodactyl.h.
const (
	StatusOK              Status = C.PTERO_STATUS_OK
	StatusInvalidArgument Status = C.PTERO_STATUS_INVALID_ARGUMENT
	StatusAPIError        Status = C.PTERO_STATUS_API_ERROR
	StatusRateLimited     Status = C.PTERO_STATUS_RATE_LIMITED
	StatusTimeout         Status = C.PTERO_STATUS_TIMEOUT
	StatusTransport       Status = C.PTERO_STATUS_TRANSPORT
	StatusDecode          Status = C.PTERO_STATUS_DECODE
	StatusNotJSON         Status = C.PTERO_STATUS_NOT_JSON
	StatusPanic           Status = C.PTERO_STATUS_PANIC
	StatusOther           Status = C.PTERO_STATUS_OTHER
	StatusTooLarge        Status = C.PTERO_STATUS_TOO_LARGE
	StatusCancelled       Status = C.PTERO_STATUS_CANCELLED
)

// String is the constant's name, e.g. "PTERO_STATUS_API_ERROR".
func (s Status) String() string { return C.GoString(C.ptero_status_name(C.int(s))) }

// ErrorItem is one of the panel's own error entries.
type ErrorItem struct {
	Code        string `json:"code"`   // e.g. "ValidationException"
	Status      string `json:"status"` // the HTTP status as the panel wrote it, e.g. "422"
	Detail      string `json:"detail"` // the message a person reads
	SourceField string `json:"source_field,omitempty"`
	Rule        string `json:"rule,omitempty"`
}

// Error is every failure of a call: the library's error object. Use errors.As:
//
//	var perr *pterodactyl.Error
//	if errors.As(err, &perr) && perr.HTTPStatus == 404 { ... }
type Error struct {
	Status     Status        // what kind of failure, e.g. StatusAPIError
	Kind       string        // the core's error kind: api, rate_limited, timeout, transport, ...
	Message    string        // the message a person reads (the panel's detail for API errors)
	HTTPStatus int           // the panel's HTTP status, 0 when there was no answer
	RetryAfter time.Duration // how long a 429 asked to wait, 0 when it did not say
	Errors     []ErrorItem   // the panel's error entries (empty when it sent none)
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "pterodactyl: " + e.Status.String()
	}
	return "pterodactyl: " + e.Message
}

// Code is the first error entry's code ("ValidationException", "NotFoundHttpException", ...),
// or "" when the panel sent none.
func (e *Error) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// Detail is the first error entry's detail, or the message when the panel sent none.
func (e *Error) Detail() string {
	if len(e.Errors) == 0 {
		return e.Message
	}
	return e.Errors[0].Detail
}

// SourceField is the request field the first error entry is about (validation errors), or "".
func (e *Error) SourceField() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].SourceField
}

// Temporary reports whether the same call may succeed later (rate limits, timeouts, broken
// connections, a 5xx answer).
func (e *Error) Temporary() bool {
	switch e.Status {
	case StatusRateLimited, StatusTimeout, StatusTransport:
		return true
	case StatusAPIError:
		return e.HTTPStatus >= 500
	}
	return false
}

// Timeout reports whether the call timed out (as net.Error does).
func (e *Error) Timeout() bool { return e.Status == StatusTimeout }

type wireError struct {
	Status     string      `json:"status"`
	Kind       string      `json:"kind"`
	HTTPStatus *int        `json:"http_status"`
	Message    string      `json:"message"`
	RetryAfter *float64    `json:"retry_after"`
	Errors     []wireEntry `json:"errors"`
}

type wireEntry struct {
	Code        string  `json:"code"`
	Status      string  `json:"status"`
	Detail      string  `json:"detail"`
	SourceField *string `json:"source_field"`
	Rule        *string `json:"rule"`
}

// errorFrom turns a failed status and its error object into an *Error. A missing or unreadable
// object still gives an *Error with the status, never a panic.
func errorFrom(st Status, text string) *Error {
	e := &Error{Status: st, Kind: strings.ToLower(strings.TrimPrefix(st.String(), "PTERO_STATUS_"))}
	var w wireError
	if text == "" || json.Unmarshal([]byte(text), &w) != nil {
		e.Message = text
		return e
	}
	if w.Kind != "" {
		e.Kind = w.Kind
	}
	e.Message = w.Message
	if w.HTTPStatus != nil {
		e.HTTPStatus = *w.HTTPStatus
	}
	if w.RetryAfter != nil {
		e.RetryAfter = time.Duration(*w.RetryAfter * float64(time.Second))
	}
	for _, it := range w.Errors {
		item := ErrorItem{Code: it.Code, Status: it.Status, Detail: it.Detail}
		if it.SourceField != nil {
			item.SourceField = *it.SourceField
		}
		if it.Rule != nil {
			item.Rule = *it.Rule
		}
		e.Errors = append(e.Errors, item)
	}
	return e
}

func invalid(msg string) *Error {
	return &Error{Status: StatusInvalidArgument, Kind: "invalid_input", Message: msg}
}

func errClosed() *Error { return invalid("the client is closed") }
