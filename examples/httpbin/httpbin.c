/*
 * httpbin.c: an HTTP/1.1 server in the spirit of httpbin.org and of the "WebAssembly on
 * Kubernetes" demo (../shared/docs/httpbin.md), one thread, one event loop, on the portability
 * layer of net.h (WasmEdge sockets + poll_oneoff in wasm, Linux sockets + poll natively).
 *
 *   httpbin [--host ADDRESS] [--port PORT | PORT]      (defaults: HOST / PORT from the
 *                                                      environment, else 0.0.0.0 and 3000)
 * It prints "Listening on PORT" (the port it got: PORT 0 picks a free one) and serves:
 *   GET  /get          {"flavor","args","headers","url","origin"}   (compact JSON, like the axum
 *                      demo: header names lowercase, the last of repeated keys wins)
 *   GET  /headers      {"headers"}            GET /ip          {"origin"}
 *   GET  /user-agent   {"user-agent"}         GET /            a plain-text index
 *   ANY  /anything[/…] {"flavor","args","data","form","headers","json","method","origin","url"}
 *   POST /post         the same without "method"
 *   ANY  /status/CODE  that status (200-599), empty body
 *   GET  /bytes/N      N random bytes (N <= 102400; ?seed=S makes them reproducible)
 * HEAD works wherever GET does. Unknown paths: 404; known paths with another method: 405 with
 * `allow`; malformed requests: 400 (then the connection closes; the server goes on). Bounds: a
 * request line over 8 KiB gets 414, a header section over 16 KiB or 100 fields 431, a body over
 * 1 MiB 413. Connections are kept alive (HTTP/1.1 by default, HTTP/1.0 on request) and requests
 * may be pipelined; bodies come with Content-Length or chunked, and `Expect: 100-continue` is
 * answered. Idle connections close after 60 s.
 */
#include "net.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REQUEST_LINE 8192
#define MAX_HEADER_SECTION 16384
#define MAX_HEADER_FIELDS 100
#define MAX_BODY (1024 * 1024)
#define MAX_BYTES 102400
#define MAX_CONNECTIONS 4096
#define MAX_PENDING_OUTPUT (4 * 1024 * 1024) /* stop reading a connection that does not read */
#define IDLE_TIMEOUT_MS 60000
#define READ_CHUNK 16384

/* Growable byte buffers ------------------------------------------------------------------ */

typedef struct buffer {
  char *data;
  size_t length, capacity;
} buffer;

static int reserve(buffer *b, size_t more) {
  if (b->length + more <= b->capacity)
    return 0;
  size_t capacity = b->capacity ? b->capacity : 1024;
  while (capacity < b->length + more)
    capacity *= 2;
  char *grown = realloc(b->data, capacity);
  if (grown == NULL)
    return -1;
  b->data = grown;
  b->capacity = capacity;
  return 0;
}

static void append(buffer *b, const void *data, size_t length) {
  if (reserve(b, length) == 0) {
    memcpy(b->data + b->length, data, length);
    b->length += length;
  }
}

static void append_text(buffer *b, const char *text) { append(b, text, strlen(text)); }

static void append_format(buffer *b, const char *format, ...) {
  char small[256];
  va_list arguments;
  va_start(arguments, format);
  int length = vsnprintf(small, sizeof small, format, arguments);
  va_end(arguments);
  if (length < 0)
    return;
  if ((size_t)length < sizeof small) {
    append(b, small, (size_t)length);
    return;
  }
  if (reserve(b, (size_t)length + 1) != 0)
    return;
  va_start(arguments, format);
  vsnprintf(b->data + b->length, (size_t)length + 1, format, arguments);
  va_end(arguments);
  b->length += (size_t)length;
}

static void buffer_free(buffer *b) {
  free(b->data);
  b->data = NULL;
  b->length = b->capacity = 0;
}

/* JSON ------------------------------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t available) {
  unsigned char c = p[0];
  size_t length;
  unsigned minimum;
  unsigned value;
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    length = 2, value = c & 0x1F, minimum = 0x80;
  else if (c >= 0xE0 && c <= 0xEF)
    length = 3, value = c & 0x0F, minimum = 0x800;
  else if (c >= 0xF0 && c <= 0xF4)
    length = 4, value = c & 0x07, minimum = 0x10000;
  else
    return 0;
  if (available < length)
    return 0;
  for (size_t i = 1; i < length; i++) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    value = value << 6 | (p[i] & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return 0;
  return length;
}

/* A JSON string: escapes quotes, backslashes and control characters; invalid UTF-8 becomes
 * U+FFFD. */
static void json_string(buffer *b, const char *text, size_t length) {
  reserve(b, length + 2);
  append(b, "\"", 1);
  const unsigned char *p = (const unsigned char *)text;
  size_t start = 0, i = 0;
  while (i < length) {
    unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0x80) {
      size_t sequence = utf8_sequence(p + i, length - i);
      if (sequence > 0) {
        i += sequence;
        continue;
      }
    }
    append(b, text + start, i - start);
    switch (c) {
    case '"': append_text(b, "\\\""); break;
    case '\\': append_text(b, "\\\\"); break;
    case '\n': append_text(b, "\\n"); break;
    case '\r': append_text(b, "\\r"); break;
    case '\t': append_text(b, "\\t"); break;
    default:
      if (c < 0x20)
        append_format(b, "\\u%04x", c);
      else
        append_text(b, "\\ufffd");
    }
    start = ++i;
  }
  append(b, text + start, length - start);
  append(b, "\"", 1);
}

static void json_cstring(buffer *b, const char *text) { json_string(b, text, strlen(text)); }

/* A small validator: 1 when [p, end) is one JSON value (with surrounding whitespace). */
static const char *json_skip_space(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static const char *json_value(const char *p, const char *end, int depth);

static const char *json_string_token(const char *p, const char *end) {
  if (p >= end || *p != '"')
    return NULL;
  for (p++; p < end; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '"')
      return p + 1;
    if (c < 0x20)
      return NULL;
    if (c == '\\') {
      if (++p >= end)
        return NULL;
      if (*p == 'u') {
        for (int i = 0; i < 4; i++)
          if (++p >= end || !isxdigit((unsigned char)*p))
            return NULL;
      } else if (!strchr("\"\\/bfnrt", *p)) {
        return NULL;
      }
    }
  }
  return NULL;
}

static const char *json_value(const char *p, const char *end, int depth) {
  if (depth > 64)
    return NULL;
  p = json_skip_space(p, end);
  if (p >= end)
    return NULL;
  if (*p == '"')
    return json_string_token(p, end);
  if (*p == '{' || *p == '[') {
    char close = *p == '{' ? '}' : ']';
    int object = *p == '{';
    p = json_skip_space(p + 1, end);
    if (p < end && *p == close)
      return p + 1;
    for (;;) {
      if (object) {
        p = json_string_token(json_skip_space(p, end), end);
        if (p == NULL)
          return NULL;
        p = json_skip_space(p, end);
        if (p >= end || *p != ':')
          return NULL;
        p++;
      }
      p = json_value(p, end, depth + 1);
      if (p == NULL)
        return NULL;
      p = json_skip_space(p, end);
      if (p < end && *p == ',') {
        p++;
        continue;
      }
      return p < end && *p == close ? p + 1 : NULL;
    }
  }
  static const char *const literals[] = {"true", "false", "null"};
  for (int i = 0; i < 3; i++) {
    size_t length = strlen(literals[i]);
    if ((size_t)(end - p) >= length && memcmp(p, literals[i], length) == 0)
      return p + length;
  }
  const char *start = p;
  if (p < end && *p == '-')
    p++;
  if (p < end && *p == '0')
    p++;
  else if (p < end && *p >= '1' && *p <= '9')
    while (p < end && isdigit((unsigned char)*p))
      p++;
  else
    return NULL;
  if (p < end && *p == '.') {
    if (++p >= end || !isdigit((unsigned char)*p))
      return NULL;
    while (p < end && isdigit((unsigned char)*p))
      p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-'))
      p++;
    if (p >= end || !isdigit((unsigned char)*p))
      return NULL;
    while (p < end && isdigit((unsigned char)*p))
      p++;
  }
  return p > start ? p : NULL;
}

static int json_valid(const char *text, size_t length) {
  const char *end = text + length, *p = json_value(text, end, 0);
  return p != NULL && json_skip_space(p, end) == end;
}

/* Key/value lists: the last value of a key wins, keys keep their first position ----------- */

typedef struct pair {
  char *key, *value;
} pair;

typedef struct pairs {
  pair items[MAX_HEADER_FIELDS + 8];
  int count;
} pairs;

static void pairs_set(pairs *list, char *key, char *value) {
  for (int i = 0; i < list->count; i++) {
    if (strcmp(list->items[i].key, key) == 0) {
      free(list->items[i].value);
      free(key);
      list->items[i].value = value;
      return;
    }
  }
  if (list->count == (int)(sizeof list->items / sizeof list->items[0])) {
    free(key);
    free(value);
    return;
  }
  list->items[list->count].key = key;
  list->items[list->count].value = value;
  list->count++;
}

static const char *pairs_get(const pairs *list, const char *key) {
  for (int i = 0; i < list->count; i++)
    if (strcmp(list->items[i].key, key) == 0)
      return list->items[i].value;
  return NULL;
}

static void pairs_free(pairs *list) {
  for (int i = 0; i < list->count; i++) {
    free(list->items[i].key);
    free(list->items[i].value);
  }
  list->count = 0;
}

static void json_pairs(buffer *b, const pairs *list) {
  append(b, "{", 1);
  for (int i = 0; i < list->count; i++) {
    if (i > 0)
      append(b, ",", 1);
    json_cstring(b, list->items[i].key);
    append(b, ":", 1);
    json_cstring(b, list->items[i].value);
  }
  append(b, "}", 1);
}

static int hex_value(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Form-urlencoded decoding: '+' is a space, %XX a byte (kept as is when malformed). */
static char *url_decode(const char *text, size_t length) {
  char *out = malloc(length + 1);
  if (out == NULL)
    return NULL;
  size_t used = 0;
  for (size_t i = 0; i < length; i++) {
    if (text[i] == '+') {
      out[used++] = ' ';
    } else if (text[i] == '%' && i + 2 < length + 0 && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out[used++] = (char)(hex_value(text[i + 1]) << 4 | hex_value(text[i + 2]));
      i += 2;
    } else {
      out[used++] = text[i];
    }
  }
  out[used] = '\0';
  return out;
}

static void parse_form(pairs *list, const char *text, size_t length) {
  size_t start = 0;
  while (start <= length) {
    size_t end = start;
    while (end < length && text[end] != '&')
      end++;
    if (end > start) {
      size_t equals = start;
      while (equals < end && text[equals] != '=')
        equals++;
      char *key = url_decode(text + start, equals - start);
      char *value = equals < end ? url_decode(text + equals + 1, end - equals - 1) : strdup("");
      if (key != NULL && value != NULL)
        pairs_set(list, key, value);
      else {
        free(key);
        free(value);
      }
    }
    start = end + 1;
  }
}

/* Requests -------------------------------------------------------------------------------- */

typedef struct header {
  const char *name, *value; /* into the connection's input; name lowercased in place */
  size_t name_length, value_length;
} header;

typedef struct request {
  const char *method, *target, *path;
  size_t method_length, target_length, path_length;
  const char *query; /* NULL without '?' */
  size_t query_length;
  int minor_version; /* HTTP/1.x */
  header headers[MAX_HEADER_FIELDS];
  int header_count;
  const char *body;
  size_t body_length;
  int keep_alive;
} request;

static const header *find_header(const request *r, const char *name) {
  const header *found = NULL;
  for (int i = 0; i < r->header_count; i++)
    if (r->headers[i].name_length == strlen(name) && memcmp(r->headers[i].name, name, r->headers[i].name_length) == 0)
      found = &r->headers[i]; /* the last one wins */
  return found;
}

static int header_contains_token(const header *h, const char *token) {
  if (h == NULL)
    return 0;
  size_t length = strlen(token);
  const char *p = h->value, *end = h->value + h->value_length;
  while (p < end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
      p++;
    const char *start = p;
    while (p < end && *p != ',')
      p++;
    const char *stop = p;
    while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
      stop--;
    if ((size_t)(stop - start) == length && strncasecmp(start, token, length) == 0)
      return 1;
  }
  return 0;
}

static int is_token_char(unsigned char c) {
  return c > 0x20 && c < 0x7F && !strchr("\"(),/:;<=>?@[\\]{}", c);
}

/* Connections ----------------------------------------------------------------------------- */

typedef struct connection {
  int fd;
  char peer[64];
  buffer in;         /* received, not yet consumed from in_start */
  size_t in_start;
  buffer out;        /* to send from out_start */
  size_t out_start;
  uint64_t last_active;
  int close_after_output; /* a response said "connection: close" */
  int peer_closed;        /* the peer sent FIN */
  int continue_sent;      /* "100 Continue" went out for the request being received */
  buffer chunked_body;    /* a decoded chunked body */
} connection;

static connection *connections[MAX_CONNECTIONS];
static int connection_count;
static const char *flavor;

/* The Date header, cached per second. */
static const char *http_date(void) {
  static char text[64];
  static int64_t cached = -1;
  int64_t now = net_unix_time();
  if (now != cached) {
    time_t seconds = (time_t)now;
    struct tm tm;
    gmtime_r(&seconds, &tm);
    strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = now;
  }
  return text;
}

static const char *reason_phrase(int status) {
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 206: return "Partial Content";
  case 301: return "Moved Permanently";
  case 302: return "Found";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 307: return "Temporary Redirect";
  case 308: return "Permanent Redirect";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 411: return "Length Required";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 418: return "I'm a teapot";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  default: return "Unknown";
  }
}

/* Appends a whole response. `extra` holds more header lines ("name: value\r\n..."). */
static void respond(connection *c, int status, const char *content_type, const char *extra, const char *body,
                    size_t body_length, int head, int keep_alive, int http10) {
  buffer *out = &c->out;
  append_format(out, "HTTP/1.1 %d %s\r\n", status, reason_phrase(status));
  int no_body = status == 204 || status == 304 || (status >= 100 && status < 200);
  if (content_type != NULL)
    append_format(out, "content-type: %s\r\n", content_type);
  if (!no_body)
    append_format(out, "content-length: %zu\r\n", body_length);
  append_text(out, "access-control-allow-origin: *\r\naccess-control-allow-credentials: true\r\n");
  append_format(out, "date: %s\r\n", http_date());
  if (extra != NULL)
    append_text(out, extra);
  if (!keep_alive)
    append_text(out, "connection: close\r\n");
  else if (http10)
    append_text(out, "connection: keep-alive\r\n");
  append(out, "\r\n", 2);
  if (!head && !no_body)
    append(out, body, body_length);
  if (!keep_alive)
    c->close_after_output = 1;
}

static void respond_text(connection *c, int status, const char *extra, const char *text, int head, int keep_alive,
                         int http10) {
  respond(c, status, "text/plain; charset=utf-8", extra, text, strlen(text), head, keep_alive, http10);
}

static void respond_error(connection *c, int status) {
  char body[96];
  int length = snprintf(body, sizeof body, "%d %s\n", status, reason_phrase(status));
  respond(c, status, "text/plain; charset=utf-8", NULL, body, (size_t)length, 0, 0, 0);
}

/* The request's args (query), headers (lowercase names) and origin. */
static void collect(const request *r, const connection *c, pairs *args, pairs *headers, char **origin) {
  args->count = headers->count = 0;
  if (r->query != NULL)
    parse_form(args, r->query, r->query_length);
  for (int i = 0; i < r->header_count; i++) {
    char *name = strndup(r->headers[i].name, r->headers[i].name_length);
    char *value = strndup(r->headers[i].value, r->headers[i].value_length);
    if (name != NULL && value != NULL)
      pairs_set(headers, name, value);
    else {
      free(name);
      free(value);
    }
  }
  const char *forwarded = pairs_get(headers, "x-forwarded-for");
  *origin = strdup(forwarded != NULL ? forwarded : c->peer);
}

static int path_is(const request *r, const char *path) {
  return r->path_length == strlen(path) && memcmp(r->path, path, r->path_length) == 0;
}

static int method_is(const request *r, const char *method) {
  return r->method_length == strlen(method) && memcmp(r->method, method, r->method_length) == 0;
}

/* xorshift64*, for /bytes/N?seed=S. */
static uint64_t next_random(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

static void handle(connection *c, const request *r) {
  int head = method_is(r, "HEAD");
  int get = method_is(r, "GET") || head;
  int keep_alive = r->keep_alive, http10 = r->minor_version == 0;
  pairs args, headers;
  char *origin = NULL;
  buffer body = {0};
  collect(r, c, &args, &headers, &origin);
  if (origin == NULL)
    origin = strdup("");

  if (path_is(r, "/get") || path_is(r, "/headers") || path_is(r, "/ip") || path_is(r, "/user-agent") ||
      path_is(r, "/")) {
    if (!get) {
      respond_text(c, 405, "allow: GET, HEAD\r\n", "405 Method Not Allowed\n", 0, keep_alive, http10);
    } else if (path_is(r, "/")) {
      static const char index[] =
          "httpbin (wasm2native example)\n"
          "GET /get  GET /headers  GET /ip  GET /user-agent  ANY /anything  POST /post\n"
          "ANY /status/CODE  GET /bytes/N\n";
      respond(c, 200, "text/plain; charset=utf-8", NULL, index, sizeof index - 1, head, keep_alive, http10);
    } else {
      append_text(&body, "{");
      if (path_is(r, "/get")) {
        append_text(&body, "\"flavor\":");
        json_cstring(&body, flavor);
        append_text(&body, ",\"args\":");
        json_pairs(&body, &args);
        append_text(&body, ",\"headers\":");
        json_pairs(&body, &headers);
        append_text(&body, ",\"url\":");
        json_string(&body, r->target, r->target_length);
        append_text(&body, ",\"origin\":");
        json_cstring(&body, origin);
      } else if (path_is(r, "/headers")) {
        append_text(&body, "\"headers\":");
        json_pairs(&body, &headers);
      } else if (path_is(r, "/ip")) {
        append_text(&body, "\"origin\":");
        json_cstring(&body, origin);
      } else {
        const char *agent = pairs_get(&headers, "user-agent");
        append_text(&body, "\"user-agent\":");
        if (agent != NULL)
          json_cstring(&body, agent);
        else
          append_text(&body, "null");
      }
      append_text(&body, "}");
      respond(c, 200, "application/json", NULL, body.data, body.length, head, keep_alive, http10);
    }
  } else if (path_is(r, "/post") || path_is(r, "/anything") ||
             (r->path_length > 10 && memcmp(r->path, "/anything/", 10) == 0)) {
    int anything = !path_is(r, "/post");
    if (!anything && !method_is(r, "POST")) {
      respond_text(c, 405, "allow: POST\r\n", "405 Method Not Allowed\n", 0, keep_alive, http10);
    } else {
      const header *type = find_header(r, "content-type");
      int is_form = type != NULL && type->value_length >= 33 &&
                    strncasecmp(type->value, "application/x-www-form-urlencoded", 33) == 0;
      int is_json = type != NULL && type->value_length >= 16 && strncasecmp(type->value, "application/json", 16) == 0;
      pairs form = {.count = 0};
      if (is_form)
        parse_form(&form, r->body, r->body_length);
      append_text(&body, "{\"flavor\":");
      json_cstring(&body, flavor);
      append_text(&body, ",\"args\":");
      json_pairs(&body, &args);
      append_text(&body, ",\"data\":");
      json_string(&body, r->body != NULL ? r->body : "", r->body_length);
      append_text(&body, ",\"form\":");
      json_pairs(&body, &form);
      append_text(&body, ",\"headers\":");
      json_pairs(&body, &headers);
      append_text(&body, ",\"json\":");
      if (is_json && r->body_length > 0 && json_valid(r->body, r->body_length)) {
        const char *start = json_skip_space(r->body, r->body + r->body_length);
        const char *end = r->body + r->body_length;
        while (end > start && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
          end--;
        append(&body, start, (size_t)(end - start));
      } else {
        append_text(&body, "null");
      }
      if (anything) {
        append_text(&body, ",\"method\":");
        json_string(&body, r->method, r->method_length);
      }
      append_text(&body, ",\"origin\":");
      json_cstring(&body, origin);
      append_text(&body, ",\"url\":");
      json_string(&body, r->target, r->target_length);
      append_text(&body, "}");
      pairs_free(&form);
      respond(c, 200, "application/json", NULL, body.data, body.length, head, keep_alive, http10);
    }
  } else if (r->path_length > 8 && memcmp(r->path, "/status/", 8) == 0) {
    int code = 0, valid = r->path_length - 8 == 3;
    for (size_t i = 8; i < r->path_length && valid; i++)
      valid = isdigit((unsigned char)r->path[i]), code = code * 10 + (r->path[i] - '0');
    if (!valid || code < 200 || code > 599) {
      respond_text(c, 400, NULL, "invalid status code\n", head, keep_alive, http10);
    } else {
      const char *extra = code >= 300 && code < 400 && code != 304 ? "location: /get\r\n" : NULL;
      respond(c, code, NULL, extra, "", 0, head, keep_alive, http10);
    }
  } else if (r->path_length > 7 && memcmp(r->path, "/bytes/", 7) == 0) {
    long count = 0;
    int valid = r->path_length - 7 <= 7;
    for (size_t i = 7; i < r->path_length && valid; i++)
      valid = isdigit((unsigned char)r->path[i]), count = count * 10 + (r->path[i] - '0');
    if (!get) {
      respond_text(c, 405, "allow: GET, HEAD\r\n", "405 Method Not Allowed\n", 0, keep_alive, http10);
    } else if (!valid || count > MAX_BYTES) {
      respond_text(c, 400, NULL, "invalid byte count (at most 102400)\n", head, keep_alive, http10);
    } else {
      uint64_t state = 0;
      const char *seed = pairs_get(&args, "seed");
      if (seed != NULL)
        state = strtoull(seed, NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
      else
        net_random(&state, sizeof state);
      if (state == 0)
        state = 1;
      reserve(&body, (size_t)count);
      for (long i = 0; i < count; i++)
        body.data[i] = (char)(next_random(&state) >> 56);
      body.length = (size_t)count;
      respond(c, 200, "application/octet-stream", NULL, body.data, body.length, head, keep_alive, http10);
    }
  } else {
    respond_text(c, 404, NULL, "404 Not Found\n", head, keep_alive, http10);
  }
  pairs_free(&args);
  pairs_free(&headers);
  free(origin);
  buffer_free(&body);
}

/* Decodes a chunked body from [p, p + length): 1 and the bytes consumed when complete, 0 when
 * more is needed, -400 / -413 on errors. */
static int decode_chunked(const char *p, size_t length, buffer *out, size_t *consumed) {
  size_t position = 0;
  out->length = 0;
  for (;;) {
    const char *line_end = memchr(p + position, '\n', length - position);
    if (line_end == NULL)
      return length - position > 1024 ? -400 : 0;
    size_t size = 0;
    const char *q = p + position;
    int digits = 0;
    while (q < line_end && hex_value(*q) >= 0) {
      size = size * 16 + (size_t)hex_value(*q++);
      if (++digits > 8)
        return -413;
    }
    if (digits == 0)
      return -400;
    position = (size_t)(line_end - p) + 1;
    if (size == 0) { /* trailers, up to an empty line */
      for (;;) {
        const char *end = memchr(p + position, '\n', length - position);
        if (end == NULL)
          return length - position > MAX_HEADER_SECTION ? -431 : 0;
        size_t line_length = (size_t)(end - (p + position));
        position = (size_t)(end - p) + 1;
        if (line_length == 0 || (line_length == 1 && end[-1] == '\r')) {
          *consumed = position;
          return 1;
        }
      }
    }
    if (out->length + size > MAX_BODY)
      return -413;
    if (length - position < size + 1)
      return 0;
    append(out, p + position, size);
    position += size;
    if (p[position] == '\r') {
      if (length - position < 2)
        return 0;
      position++;
    }
    if (p[position] != '\n')
      return -400;
    position++;
  }
}

/* Parses and answers the complete requests in c->in (while the output is not too far behind). */
static void process(connection *c) {
  while (!c->close_after_output && c->in.length > c->in_start && c->out.length - c->out_start < MAX_PENDING_OUTPUT) {
    char *start = c->in.data + c->in_start;
    size_t available = c->in.length - c->in_start;
    /* Skip empty lines before a request (RFC 9112, 2.2). */
    while (available > 0 && (*start == '\r' || *start == '\n'))
      start++, available--, c->in_start++;
    if (available == 0)
      break;
    /* The header section ends with an empty line. */
    char *end = NULL;
    for (char *p = start; p < start + available; p++) {
      p = memchr(p, '\n', (size_t)(start + available - p));
      if (p == NULL)
        break;
      if (p + 1 < start + available && p[1] == '\n') {
        end = p + 2;
        break;
      }
      if (p + 2 < start + available && p[1] == '\r' && p[2] == '\n') {
        end = p + 3;
        break;
      }
    }
    char *first_line_end = memchr(start, '\n', available);
    if (first_line_end == NULL && available > MAX_REQUEST_LINE) {
      respond_error(c, 414);
      return;
    }
    if (end == NULL) {
      if (available > MAX_HEADER_SECTION)
        respond_error(c, first_line_end != NULL && first_line_end - start > MAX_REQUEST_LINE ? 414 : 431);
      return; /* wait for more */
    }
    size_t header_length = (size_t)(end - start);
    if (header_length > MAX_HEADER_SECTION) {
      respond_error(c, (size_t)(first_line_end - start) > MAX_REQUEST_LINE ? 414 : 431);
      return;
    }
    if ((size_t)(first_line_end - start) > MAX_REQUEST_LINE) {
      respond_error(c, 414);
      return;
    }

    /* The request line: METHOD SP TARGET SP HTTP/1.x */
    request r;
    memset(&r, 0, sizeof r);
    char *line_end = first_line_end;
    char *content_end = line_end > start && line_end[-1] == '\r' ? line_end - 1 : line_end;
    char *p = start;
    r.method = p;
    while (p < content_end && is_token_char((unsigned char)*p))
      p++;
    r.method_length = (size_t)(p - r.method);
    if (r.method_length == 0 || p >= content_end || *p != ' ') {
      respond_error(c, 400);
      return;
    }
    r.target = ++p;
    while (p < content_end && *p != ' ' && (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7F)
      p++;
    r.target_length = (size_t)(p - r.target);
    if (r.target_length == 0 || p >= content_end || *p != ' ' || content_end - p != 9 ||
        memcmp(p + 1, "HTTP/1.", 7) != 0 || (p[8] != '0' && p[8] != '1') || r.target[0] != '/') {
      respond_error(c, 400);
      return;
    }
    r.minor_version = p[8] - '0';
    r.path = r.target;
    const char *question = memchr(r.target, '?', r.target_length);
    r.path_length = question != NULL ? (size_t)(question - r.target) : r.target_length;
    if (question != NULL) {
      r.query = question + 1;
      r.query_length = r.target_length - r.path_length - 1;
    }

    /* Header fields: NAME ":" OWS VALUE OWS */
    char *line = line_end + 1;
    int bad = 0;
    while (line < end) {
      char *next = memchr(line, '\n', (size_t)(end - line));
      char *stop = next > line && next[-1] == '\r' ? next - 1 : next;
      if (stop == line)
        break; /* the empty line */
      if (r.header_count == MAX_HEADER_FIELDS) {
        respond_error(c, 431);
        return;
      }
      char *colon = line;
      while (colon < stop && is_token_char((unsigned char)*colon))
        colon++;
      if (colon == line || colon >= stop || *colon != ':') {
        bad = 1; /* no name, whitespace before the colon, obs-fold, ... */
        break;
      }
      for (char *q = line; q < colon; q++)
        *q = (char)tolower((unsigned char)*q);
      char *value = colon + 1, *value_end = stop;
      while (value < value_end && (*value == ' ' || *value == '\t'))
        value++;
      while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
        value_end--;
      for (char *q = value; q < value_end; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t')
          bad = 1;
      header *h = &r.headers[r.header_count++];
      h->name = line;
      h->name_length = (size_t)(colon - line);
      h->value = value;
      h->value_length = (size_t)(value_end - value);
      line = next + 1;
    }
    if (bad || (r.minor_version == 1 && find_header(&r, "host") == NULL)) {
      respond_error(c, 400);
      return;
    }
    const header *connection_header = find_header(&r, "connection");
    r.keep_alive = r.minor_version == 1 ? !header_contains_token(connection_header, "close")
                                        : header_contains_token(connection_header, "keep-alive");

    /* The body: chunked or Content-Length (both, or several different lengths: 400). */
    const header *transfer = find_header(&r, "transfer-encoding");
    size_t content_length = 0;
    int has_length = 0;
    for (int i = 0; i < r.header_count; i++) {
      if (r.headers[i].name_length != 14 || memcmp(r.headers[i].name, "content-length", 14) != 0)
        continue;
      size_t value = 0;
      if (r.headers[i].value_length == 0 || r.headers[i].value_length > 12)
        bad = 1;
      for (size_t k = 0; k < r.headers[i].value_length && !bad; k++) {
        if (!isdigit((unsigned char)r.headers[i].value[k]))
          bad = 1;
        value = value * 10 + (size_t)(r.headers[i].value[k] - '0');
      }
      if (has_length && value != content_length)
        bad = 1;
      has_length = 1;
      content_length = value;
    }
    if (bad || (transfer != NULL && has_length) ||
        (transfer != NULL && !(transfer->value_length == 7 && strncasecmp(transfer->value, "chunked", 7) == 0))) {
      respond_error(c, 400);
      return;
    }
    size_t body_available = available - header_length, consumed = 0;
    const header *expect = find_header(&r, "expect");
    int wants_continue = expect != NULL && r.minor_version == 1 && expect->value_length == 12 &&
                         strncasecmp(expect->value, "100-continue", 12) == 0;
    if (transfer != NULL) {
      int decoded = decode_chunked(end, body_available, &c->chunked_body, &consumed);
      if (decoded < 0) {
        respond_error(c, -decoded);
        return;
      }
      if (decoded == 0) {
        if (wants_continue && !c->continue_sent) {
          append_text(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
          c->continue_sent = 1;
        }
        return;
      }
      r.body = c->chunked_body.data != NULL ? c->chunked_body.data : "";
      r.body_length = c->chunked_body.length;
    } else {
      if (content_length > MAX_BODY) {
        respond_error(c, 413);
        return;
      }
      if (body_available < content_length) {
        if (wants_continue && !c->continue_sent) {
          append_text(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
          c->continue_sent = 1;
        }
        return;
      }
      r.body = end;
      r.body_length = content_length;
      consumed = content_length;
    }
    handle(c, &r);
    c->continue_sent = 0;
    c->in_start += header_length + consumed;
  }
  if (c->in_start == c->in.length) { /* everything consumed */
    c->in.length = c->in_start = 0;
    if (c->in.capacity > 65536)
      buffer_free(&c->in);
    if (c->chunked_body.capacity > 65536)
      buffer_free(&c->chunked_body);
  }
}

/* The event loop -------------------------------------------------------------------------- */

static void close_connection(int index) {
  connection *c = connections[index];
  net_close(c->fd);
  buffer_free(&c->in);
  buffer_free(&c->out);
  buffer_free(&c->chunked_body);
  free(c);
  connections[index] = connections[--connection_count];
}

/* Sends what is pending; 0, or -1 when the connection failed. */
static int flush(connection *c) {
  while (c->out.length > c->out_start) {
    long sent = net_send(c->fd, c->out.data + c->out_start, c->out.length - c->out_start);
    if (sent == NET_AGAIN)
      return 0;
    if (sent < 0)
      return -1;
    c->out_start += (size_t)sent;
  }
  c->out.length = c->out_start = 0;
  if (c->out.capacity > 65536)
    buffer_free(&c->out);
  return 0;
}

/* Reads what is there; 0, or -1 when the connection failed. */
static int fill(connection *c) {
  for (int rounds = 0; rounds < 4; rounds++) {
    if (c->in_start > 0 && c->in_start == c->in.length)
      c->in.length = c->in_start = 0;
    if (c->in.length - c->in_start > MAX_HEADER_SECTION + MAX_BODY + 65536)
      return 0; /* the parser answers before that */
    if (c->in_start > 0 && c->in.capacity - c->in.length < READ_CHUNK) { /* compact */
      memmove(c->in.data, c->in.data + c->in_start, c->in.length - c->in_start);
      c->in.length -= c->in_start;
      c->in_start = 0;
    }
    if (reserve(&c->in, READ_CHUNK) != 0)
      return -1;
    long received = net_recv(c->fd, c->in.data + c->in.length, c->in.capacity - c->in.length);
    if (received == NET_AGAIN)
      return 0;
    if (received < 0)
      return -1;
    if (received == 0) {
      c->peer_closed = 1;
      return 0;
    }
    c->in.length += (size_t)received;
    if ((size_t)received < READ_CHUNK)
      return 0; /* probably all there was */
  }
  return 0;
}

static void accept_connections(int listener, uint64_t now) {
  for (int i = 0; i < 64; i++) {
    int fd;
    char peer[64];
    int result = net_accept(listener, &fd, peer, sizeof peer);
    if (result == NET_AGAIN)
      return;
    if (result != 0)
      continue;
    connection *c = connection_count < MAX_CONNECTIONS ? calloc(1, sizeof *c) : NULL;
    if (c == NULL) {
      net_close(fd);
      continue;
    }
    c->fd = fd;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    c->last_active = now;
    connections[connection_count++] = c;
  }
}

static void usage(void) {
  fprintf(stderr, "usage: httpbin [--host ADDRESS] [--port PORT | PORT]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *host = getenv("HOST") != NULL && getenv("HOST")[0] != '\0' ? getenv("HOST") : "0.0.0.0";
  const char *port_text = getenv("PORT") != NULL && getenv("PORT")[0] != '\0' ? getenv("PORT") : "3000";
  for (int i = 1; i < argc; i++) {
    if ((strcmp(argv[i], "--port") == 0 || strcmp(argv[i], "-p") == 0) && i + 1 < argc)
      port_text = argv[++i];
    else if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
      host = argv[++i];
    else if (isdigit((unsigned char)argv[i][0]))
      port_text = argv[i];
    else
      usage();
  }
  char *port_end;
  long port = strtol(port_text, &port_end, 10);
  if (*port_end != '\0' || port < 0 || port > 65535)
    usage();
  flavor = net_flavor();

  int listener, bound_port;
  char error[256];
  if (net_listen(host, (int)port, &listener, &bound_port, error, sizeof error) != 0) {
    fprintf(stderr, "httpbin: %s\n", error);
    return 1;
  }
  printf("Listening on %d\n", bound_port);
  fflush(stdout);

  net_pollfd *polls = malloc((MAX_CONNECTIONS + 1) * sizeof *polls);
  if (polls == NULL)
    return 1;
  for (;;) {
    uint64_t now = net_now_ms();
    int count = 0, timeout = -1;
    polls[count].fd = listener;
    polls[count++].events = connection_count < MAX_CONNECTIONS ? NET_IN : 0;
    if (connection_count >= MAX_CONNECTIONS)
      count = 0;
    int first_connection = count;
    for (int i = 0; i < connection_count; i++) {
      connection *c = connections[i];
      int events = 0;
      if (!c->peer_closed && !c->close_after_output && c->out.length - c->out_start < MAX_PENDING_OUTPUT)
        events |= NET_IN;
      if (c->out.length > c->out_start)
        events |= NET_OUT;
      polls[count].fd = c->fd;
      polls[count++].events = events != 0 ? events : NET_IN; /* always watch for errors */
      uint64_t deadline = c->last_active + IDLE_TIMEOUT_MS;
      int remaining = deadline > now ? (int)(deadline - now) : 0;
      if (timeout < 0 || remaining < timeout)
        timeout = remaining;
    }
    int ready = net_poll(polls, count, timeout);
    if (ready < 0) {
      fprintf(stderr, "httpbin: poll failed\n");
      return 1;
    }
    now = net_now_ms();
    /* Connections first (their indices are those of this round), then new ones. */
    for (int i = connection_count - 1; i >= 0; i--) {
      connection *c = connections[i];
      net_pollfd *p = &polls[first_connection + i];
      int failed = 0;
      if (p->revents != 0)
        c->last_active = now;
      if (p->revents & (NET_IN | NET_HUP | NET_ERR)) {
        if (!c->peer_closed && !c->close_after_output)
          failed = fill(c) != 0;
        else if (p->revents & (NET_HUP | NET_ERR))
          failed = 1;
      }
      if (!failed && c->in.length > c->in_start)
        process(c);
      if (!failed && (c->out.length > c->out_start)) {
        failed = flush(c) != 0;
        if (!failed && c->in.length > c->in_start && !c->close_after_output) {
          process(c); /* requests held back while the output was full */
          failed = flush(c) != 0;
        }
      }
      int drained = c->out.length == c->out_start;
      if (failed || (drained && (c->close_after_output || c->peer_closed)) ||
          now - c->last_active >= IDLE_TIMEOUT_MS)
        close_connection(i);
    }
    if (first_connection > 0 && (polls[0].revents & NET_IN))
      accept_connections(listener, now);
  }
}
