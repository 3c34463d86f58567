/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http_server.c - libmicrohttpd in external epoll mode on the libuv loop.
 *
 * How the pieces meet:
 *   - MHD's epoll fd is watched by a uv_poll; when it turns readable, or
 *     when the uv_timer set from MHD_get_timeout() fires, we call MHD_run().
 *   - A request object is made on the first access-handler call, collects
 *     the body (bounded), and is handed to the route's handler once.  If the
 *     handler has not answered when it returns, the connection is suspended
 *     and resumed by the answer.
 *   - A streamed answer is a callback response.  Its reader hands out the
 *     queued bytes; with nothing queued it suspends the connection, and the
 *     next write resumes it.  So an idle stream costs no CPU.
 *   - The request is freed when MHD reports the connection done with it
 *     (MHD_OPTION_NOTIFY_COMPLETED) and, for a stream, when MHD has dropped
 *     the response; whichever comes last.  on_close fires at the first.
 *   - Each accepted connection has a struct conn (MHD's socket context).
 *     While a request head is due, it sits on a list ordered by deadline
 *     (one timeout for all, so appending keeps the order) and one uv_timer
 *     watches the oldest.  MHD 0.9.75 has no header timeout of its own,
 *     and its idle timeout restarts with every byte, so a client sending
 *     one byte a second would hold its slot for ever without this.
 *   - The listening socket: at the connection limit MHD takes it out of
 *     its epoll set, and puts it back only at the start of a later
 *     MHD_run().  When the connections close inside a run, nothing in the
 *     set may ever turn readable again, and MHD_get_timeout() has no
 *     deadline to give, so no later run would come: new clients would wait
 *     in the backlog for good.  Hence every run that closed a connection
 *     is followed by another one at once.
 * Everything runs on the loop thread; MHD starts no thread of its own.
 */
#include "compat.h"
#include "http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <microhttpd.h>

#define STREAM_BLOCK (32u * 1024)

struct route {
	char *method; /* NULL: any */
	char *path;
	size_t prefix; /* >0: match the first prefix bytes only */
	sw_http_handler fn;
	void *data;
};

struct header {
	char *name, *value;
};

/* One accepted connection: MHD's socket context. */
struct conn {
	struct sw_http_server *srv;
	struct MHD_Connection *mhd;
	uint64_t deadline;        /* uv_now() by which the request head must be in */
	int waiting;              /* on srv's list of connections owing a head */
	struct conn *prev, *next; /* that list, earliest deadline first */
};

struct sw_http_request {
	struct sw_http_server *srv;
	struct MHD_Connection *conn;
	char *method, *path;
	struct sw_buf body;
	int too_big;          /* body over the ceiling: answered 413 */
	int dispatched;       /* handler called */
	int queued;           /* a response was handed to MHD */
	int suspended;        /* connection parked by us */
	int done;             /* MHD is finished with the connection */
	int refs;             /* MHD connection + stream response */
	/* the answer */
	int answered;         /* respond() or stream_start() called */
	unsigned status;
	char *content_type;
	struct sw_buf full;   /* complete body */
	int streaming;
	struct sw_buf stream; /* queued stream bytes */
	size_t stream_off;    /* bytes of stream already handed to MHD */
	int stream_ended;
	struct header *headers;
	size_t nr_headers, alloc_headers;
	sw_http_close_cb on_close;
	void *close_data;
	struct sw_http_request *prev, *next; /* server's list of live requests */
};

struct sw_http_server {
	uv_loop_t *loop;
	struct MHD_Daemon *mhd;
	uv_poll_t poll;
	uv_timer_t timer;
	uv_timer_t head_timer; /* fires at the earliest request-head deadline */
	int handles;     /* open uv handles */
	int stopping;
	int in_run;      /* inside MHD_run */
	int rerun;       /* something changed during MHD_run */
	size_t max_body;
	uint64_t header_timeout_ms; /* 0: request heads may take for ever */
	unsigned port;
	unsigned nr_conns;          /* accepted connections not yet closed */
	struct conn *wait_head, *wait_tail; /* connections owing a request head */
	struct route *routes;
	size_t nr_routes, alloc_routes;
	struct sw_http_request *live;
};

static void schedule(struct sw_http_server *srv);

static void run_mhd(struct sw_http_server *srv)
{
	if (!srv->mhd)
		return;
	srv->in_run = 1;
	srv->rerun = 0;
	MHD_run(srv->mhd);
	srv->in_run = 0;
	schedule(srv);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	SW_UNUSED(status);
	SW_UNUSED(events);
	run_mhd(h->data);
}

static void on_timer(uv_timer_t *t)
{
	run_mhd(t->data);
}

/* Sets the timer from MHD's own idea of when it next needs to run. */
static void schedule(struct sw_http_server *srv)
{
	MHD_UNSIGNED_LONG_LONG ms = 0;

	if (!srv->mhd || srv->stopping)
		return;
	if (srv->rerun) {
		srv->rerun = 0;
		uv_timer_start(&srv->timer, on_timer, 0, 0);
		return;
	}
	if (MHD_get_timeout(srv->mhd, &ms) == MHD_YES)
		uv_timer_start(&srv->timer, on_timer, (uint64_t)ms, 0);
	else
		uv_timer_stop(&srv->timer);
}

/* Something outside MHD_run changed a connection: run MHD soon. */
static void kick(struct sw_http_server *srv)
{
	if (srv->in_run)
		srv->rerun = 1;
	else if (!srv->stopping)
		uv_timer_start(&srv->timer, on_timer, 0, 0);
}

static void on_head_timer(uv_timer_t *t);

static void arm_head_timer(struct sw_http_server *srv)
{
	uint64_t now = uv_now(srv->loop);

	if (!srv->wait_head || srv->stopping) {
		uv_timer_stop(&srv->head_timer);
		return;
	}
	uv_timer_start(&srv->head_timer, on_head_timer,
		       srv->wait_head->deadline > now ? srv->wait_head->deadline - now : 0, 0);
}

static void unwait(struct conn *c)
{
	struct sw_http_server *srv = c->srv;

	if (!c->waiting)
		return;
	c->waiting = 0;
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->wait_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		srv->wait_tail = c->prev;
	c->prev = c->next = NULL;
}

/* Starts the clock for the next request head on @c. */
static void wait_head(struct conn *c)
{
	struct sw_http_server *srv = c->srv;
	int was_empty;

	if (!srv->header_timeout_ms || srv->stopping)
		return;
	unwait(c);
	was_empty = !srv->wait_head;
	c->deadline = uv_now(srv->loop) + srv->header_timeout_ms;
	c->waiting = 1;
	c->prev = srv->wait_tail;
	if (srv->wait_tail)
		srv->wait_tail->next = c;
	else
		srv->wait_head = c;
	srv->wait_tail = c;
	if (was_empty)
		arm_head_timer(srv);
}

static void on_head_timer(uv_timer_t *t)
{
	struct sw_http_server *srv = t->data;
	uint64_t now = uv_now(srv->loop);
	int dropped = 0;

	while (srv->wait_head && srv->wait_head->deadline <= now) {
		struct conn *c = srv->wait_head;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c->mhd, MHD_CONNECTION_INFO_CONNECTION_FD);

		unwait(c);
		/*
		 * MHD cannot be told to close a connection; a socket shut down
		 * under it reads as the client's end, and MHD closes it on its
		 * next run (it ends connections the same way when it stops).
		 * The descriptor itself stays MHD's.
		 */
		if (ci)
			shutdown(ci->connect_fd, SHUT_RDWR);
		dropped = 1;
	}
	arm_head_timer(srv);
	if (dropped)
		kick(srv);
}

static struct conn *conn_of(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct sw_http_server *srv = cls;
	struct conn *c = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		c = sw_xcalloc(1, sizeof(*c));
		c->srv = srv;
		c->mhd = mc;
		*socket_context = c;
		srv->nr_conns++;
		wait_head(c);
		return;
	}
	if (!c)
		return;
	*socket_context = NULL;
	unwait(c);
	free(c);
	srv->nr_conns--;
	/* The listening socket may be out of MHD's set: run again (file comment). */
	if (srv->in_run)
		srv->rerun = 1;
}

static void resume(struct sw_http_request *req)
{
	if (!req->suspended || req->done)
		return;
	req->suspended = 0;
	MHD_resume_connection(req->conn);
	kick(req->srv);
}

static void request_unref(struct sw_http_request *req)
{
	size_t i;

	if (--req->refs > 0)
		return;
	for (i = 0; i < req->nr_headers; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->headers);
	free(req->method);
	free(req->path);
	free(req->content_type);
	sw_buf_release(&req->body);
	sw_buf_release(&req->full);
	sw_buf_release(&req->stream);
	free(req);
}

static void request_finish(struct sw_http_request *req)
{
	struct sw_http_server *srv = req->srv;
	sw_http_close_cb cb = req->on_close;

	if (req->done)
		return;
	req->done = 1;
	if (req->prev)
		req->prev->next = req->next;
	else if (srv->live == req)
		srv->live = req->next;
	if (req->next)
		req->next->prev = req->prev;
	req->prev = req->next = NULL;
	req->on_close = NULL;
	if (cb)
		cb(req, req->close_data);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct sw_http_request *req = *con_cls;
	struct conn *c = conn_of(conn);

	SW_UNUSED(cls);
	/* A kept-alive connection owes the next request head in time too. */
	if (c && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		wait_head(c);
	if (!req)
		return;
	*con_cls = NULL;
	request_finish(req);
	request_unref(req);
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sw_http_request *req = cls;
	size_t avail, n;

	SW_UNUSED(pos);
	if (req->done || req->srv->stopping)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	avail = req->stream.len - req->stream_off;
	if (avail) {
		n = avail < max ? avail : max;
		memcpy(buf, req->stream.ptr + req->stream_off, n);
		req->stream_off += n;
		if (req->stream_off == req->stream.len) {
			sw_buf_reset(&req->stream);
			req->stream_off = 0;
		}
		return (ssize_t)n;
	}
	if (req->stream_ended)
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* Nothing to send: park the connection until the next write. */
	req->suspended = 1;
	MHD_suspend_connection(req->conn);
	return 0;
}

static void stream_free(void *cls)
{
	request_unref(cls);
}

static void add_headers(struct sw_http_request *req, struct MHD_Response *resp)
{
	size_t i;

	if (req->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
	for (i = 0; i < req->nr_headers; i++)
		MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
}

static enum MHD_Result queue_answer(struct sw_http_request *req)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	if (req->streaming) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_reader,
							 req, stream_free);
		if (!resp)
			return MHD_NO;
		req->refs++; /* dropped by stream_free */
		/* Proxies must not buffer an event stream. */
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
		MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	} else {
		resp = MHD_create_response_from_buffer(req->full.len, req->full.ptr,
						       MHD_RESPMEM_MUST_COPY);
		if (!resp)
			return MHD_NO;
	}
	add_headers(req, resp);
	req->queued = 1;
	r = MHD_queue_response(req->conn, req->status, resp);
	MHD_destroy_response(resp);
	return r;
}

static const struct route *find_route(struct sw_http_server *srv, const char *method,
				      const char *path, int *path_known)
{
	size_t i;

	*path_known = 0;
	for (i = 0; i < srv->nr_routes; i++) {
		const struct route *rt = &srv->routes[i];
		int match = rt->prefix ? !strncmp(path, rt->path, rt->prefix) : !strcmp(path, rt->path);

		if (!match)
			continue;
		*path_known = 1;
		if (!rt->method || !strcmp(rt->method, method))
			return rt;
	}
	return NULL;
}

static void dispatch(struct sw_http_request *req)
{
	struct sw_http_server *srv = req->srv;
	const struct route *rt;
	int known;

	rt = find_route(srv, req->method, req->path, &known);
	if (rt) {
		rt->fn(req, rt->data);
		return;
	}
	if (known) {
		struct sw_buf allow = SW_BUF_INIT;
		size_t i;

		for (i = 0; i < srv->nr_routes; i++) {
			const struct route *r2 = &srv->routes[i];
			int match = r2->prefix ? !strncmp(req->path, r2->path, r2->prefix)
					       : !strcmp(req->path, r2->path);

			if (match && r2->method)
				sw_buf_addf(&allow, "%s%s", allow.len ? ", " : "", r2->method);
		}
		sw_http_request_add_header(req, "Allow", allow.ptr);
		sw_buf_release(&allow);
		sw_http_respond(req, 405, "text/plain", "method not allowed\n", 19);
		return;
	}
	sw_http_respond(req, 404, "text/plain", "not found\n", 10);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	struct sw_http_server *srv = cls;
	struct sw_http_request *req = *con_cls;

	SW_UNUSED(version);
	if (!req) {
		struct conn *c = conn_of(conn);

		if (c) /* the head is in */
			unwait(c);
		req = sw_xcalloc(1, sizeof(*req));
		req->srv = srv;
		req->conn = conn;
		req->method = sw_xstrdup(method);
		req->path = sw_xstrdup(url);
		req->refs = 1;
		sw_buf_init(&req->body, 0);
		sw_buf_init(&req->full, 0);
		sw_buf_init(&req->stream, 0);
		req->next = srv->live;
		if (srv->live)
			srv->live->prev = req;
		srv->live = req;
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!req->too_big) {
			if (req->body.len + *upload_size > srv->max_body)
				req->too_big = 1;
			else
				sw_buf_add(&req->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->queued)
		return MHD_YES;
	if (req->too_big && !req->answered) {
		req->dispatched = 1;
		sw_http_respond(req, 413, "text/plain", "request body too large\n", 23);
	}
	if (!req->dispatched) {
		req->dispatched = 1;
		dispatch(req);
	}
	if (req->answered)
		return queue_answer(req);
	if (srv->stopping) {
		sw_http_respond(req, 503, "text/plain", "shutting down\n", 14);
		return queue_answer(req);
	}
	req->suspended = 1;
	MHD_suspend_connection(conn);
	return MHD_YES;
}

static int parse_host(struct sockaddr_storage *ss, socklen_t *slen, int *v6, const char *host,
		      unsigned port, struct sw_error *err)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	char tmp[64];
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (!host || !*host || !strcmp(host, "localhost"))
		host = "127.0.0.1";
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		host = tmp;
	}
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*slen = sizeof(*a4);
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*slen = sizeof(*a6);
		*v6 = 1;
		return 0;
	}
	return sw_error_set(err, SW_EINVAL, "'%s' is not a numeric IP address", host);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct sw_http_server *srv = h->data;

	if (--srv->handles == 0)
		free(srv);
}

int sw_http_server_start(struct sw_http_server **out, uv_loop_t *loop,
			 const struct sw_http_server_opts *o, struct sw_error *err)
{
	struct sw_http_server *srv = NULL;
	struct sockaddr_storage ss;
	socklen_t slen = 0;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
	unsigned int max_conns = o->max_connections ? o->max_connections : SW_HTTP_MAX_CONNECTIONS;
	unsigned int max_per_ip = o->max_per_ip ? o->max_per_ip : SW_HTTP_MAX_PER_IP;
	int v6 = 0, rc;

	*out = NULL;
	if (o->port > 65535)
		return sw_error_set(err, SW_EINVAL, "port %u is out of range", o->port);
	if ((rc = parse_host(&ss, &slen, &v6, o->host, o->port, err)) < 0)
		return rc;
	if (v6)
		flags |= MHD_USE_IPv6;
	srv = sw_xcalloc(1, sizeof(*srv));
	srv->loop = loop;
	srv->max_body = o->max_body ? o->max_body : SW_HTTP_MAX_BODY;
	srv->header_timeout_ms = (uint64_t)o->header_timeout_s * 1000;
	srv->mhd = MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, on_access, srv,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
				    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->idle_timeout_s,
				    MHD_OPTION_CONNECTION_LIMIT, max_conns,
				    MHD_OPTION_PER_IP_CONNECTION_LIMIT, max_per_ip,
				    MHD_OPTION_END);
	SW_UNUSED(slen);
	if (!srv->mhd) {
		rc = sw_error_set(err, SW_EIO, "cannot listen on %s:%u (address in use or not available)",
				  o->host ? o->host : "127.0.0.1", o->port);
		free(srv);
		return rc;
	}
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : o->port;
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info) {
		MHD_stop_daemon(srv->mhd);
		free(srv);
		return sw_error_set(err, SW_EIO, "the HTTP server has no epoll descriptor");
	}
	uv_poll_init(loop, &srv->poll, info->epoll_fd);
	srv->poll.data = srv;
	srv->handles++;
	uv_timer_init(loop, &srv->timer);
	srv->timer.data = srv;
	srv->handles++;
	uv_timer_init(loop, &srv->head_timer);
	srv->head_timer.data = srv;
	srv->handles++;
	uv_poll_start(&srv->poll, UV_READABLE, on_poll);
	schedule(srv);
	*out = srv;
	return 0;
}

unsigned sw_http_server_port(const struct sw_http_server *srv)
{
	return srv->port;
}

unsigned sw_http_server_connections(const struct sw_http_server *srv)
{
	return srv->nr_conns;
}

void sw_http_server_route(struct sw_http_server *srv, const char *method, const char *path,
			  sw_http_handler fn, void *data)
{
	struct route *rt;
	size_t n = strlen(path);

	SW_ALLOC_GROW(srv->routes, srv->nr_routes + 1, srv->alloc_routes);
	rt = &srv->routes[srv->nr_routes++];
	rt->method = method ? sw_xstrdup(method) : NULL;
	rt->path = sw_xstrdup(path);
	rt->prefix = n && path[n - 1] == '*' ? n - 1 : 0;
	rt->fn = fn;
	rt->data = data;
}

void sw_http_server_free(struct sw_http_server *srv)
{
	struct sw_http_request *req, *next;
	size_t i;

	if (!srv)
		return;
	srv->stopping = 1;
	/* MHD must not be stopped with suspended connections: wake them all. */
	for (req = srv->live; req; req = next) {
		next = req->next;
		if (req->suspended) {
			req->suspended = 0;
			MHD_resume_connection(req->conn);
		}
	}
	MHD_run(srv->mhd);
	MHD_stop_daemon(srv->mhd);
	srv->mhd = NULL;
	/* Requests MHD never reported finished (it should have): drop them. */
	for (req = srv->live; req; req = next) {
		next = req->next;
		request_finish(req);
	}
	for (i = 0; i < srv->nr_routes; i++) {
		free(srv->routes[i].method);
		free(srv->routes[i].path);
	}
	free(srv->routes);
	uv_poll_stop(&srv->poll);
	uv_timer_stop(&srv->timer);
	uv_timer_stop(&srv->head_timer);
	uv_close((uv_handle_t *)&srv->poll, on_handle_closed);
	uv_close((uv_handle_t *)&srv->timer, on_handle_closed);
	uv_close((uv_handle_t *)&srv->head_timer, on_handle_closed);
}

const char *sw_http_request_method(const struct sw_http_request *req)
{
	return req->method;
}

const char *sw_http_request_path(const struct sw_http_request *req)
{
	return req->path;
}

const char *sw_http_request_header(const struct sw_http_request *req, const char *name)
{
	if (req->done)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *sw_http_request_query(const struct sw_http_request *req, const char *name)
{
	if (req->done)
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *sw_http_request_body(const struct sw_http_request *req, size_t *len)
{
	if (len)
		*len = req->body.len;
	return req->body.ptr;
}

void sw_http_request_on_close(struct sw_http_request *req, sw_http_close_cb cb, void *data)
{
	req->on_close = cb;
	req->close_data = data;
}

void sw_http_request_add_header(struct sw_http_request *req, const char *name, const char *value)
{
	SW_ALLOC_GROW(req->headers, req->nr_headers + 1, req->alloc_headers);
	req->headers[req->nr_headers].name = sw_xstrdup(name);
	req->headers[req->nr_headers].value = sw_xstrdup(value);
	req->nr_headers++;
}

static void set_answer(struct sw_http_request *req, unsigned status, const char *content_type)
{
	req->answered = 1;
	req->status = status;
	free(req->content_type);
	req->content_type = content_type ? sw_xstrdup(content_type) : NULL;
}

void sw_http_respond(struct sw_http_request *req, unsigned status, const char *content_type,
		     const char *body, size_t len)
{
	if (req->answered || req->done)
		return;
	set_answer(req, status, content_type);
	sw_buf_add(&req->full, body, len);
	resume(req);
}

void sw_http_stream_start(struct sw_http_request *req, unsigned status, const char *content_type)
{
	if (req->answered || req->done)
		return;
	set_answer(req, status, content_type);
	req->streaming = 1;
	resume(req);
}

int sw_http_stream_write(struct sw_http_request *req, const char *data, size_t len,
			 struct sw_error *err)
{
	if (req->done || !req->streaming || req->stream_ended)
		return sw_error_set(err, SW_EIO, "the HTTP stream is closed");
	sw_buf_add(&req->stream, data, len);
	resume(req);
	return 0;
}

int sw_http_stream_sse(struct sw_http_request *req, const char *event, const char *id,
		       const char *data, size_t len, struct sw_error *err)
{
	struct sw_buf ev = SW_BUF_INIT;
	size_t i, start = 0;
	int rc;

	if (event)
		sw_buf_addf(&ev, "event: %s\n", event);
	if (id)
		sw_buf_addf(&ev, "id: %s\n", id);
	/* One data line per line of @data; a trailing empty line still counts. */
	for (i = 0; i <= len; i++) {
		if (i == len || data[i] == '\n') {
			size_t end = i;

			if (end > start && data[end - 1] == '\r')
				end--;
			sw_buf_adds(&ev, "data: ");
			sw_buf_add(&ev, data + start, end - start);
			sw_buf_addch(&ev, '\n');
			start = i + 1;
		}
	}
	sw_buf_addch(&ev, '\n');
	rc = sw_http_stream_write(req, ev.ptr, ev.len, err);
	sw_buf_release(&ev);
	return rc;
}

void sw_http_stream_end(struct sw_http_request *req)
{
	if (req->done || !req->streaming || req->stream_ended)
		return;
	req->stream_ended = 1;
	resume(req);
}

int sw_http_request_alive(const struct sw_http_request *req)
{
	return !req->done && !req->stream_ended && !req->srv->stopping;
}

const char *sw_http_status_text(unsigned status)
{
	const char *s = MHD_get_reason_phrase_for(status);

	return s && *s ? s : "Unknown";
}
