#!/usr/bin/env bash
# Create, start and stop a private, non-default Postfix instance that acts as a
# plain relay: accepts mail from 127.0.0.0/8 on LISTEN_PORT, queues it in its
# normal durable queue and relays everything to [127.0.0.1]:SINK_PORT.
# No local delivery, no DNS, no TLS, no chroot. The system's default Postfix
# instance (if any) is neither used nor modified.
#
# usage: postfix_instance.sh setup DIR LISTEN_PORT SINK_PORT
#        postfix_instance.sh start DIR
#        postfix_instance.sh stop  DIR
#        postfix_instance.sh pids  DIR   (master + all its children)
set -euo pipefail

cmd=${1:?setup|start|stop|pids}
dir=${2:?instance directory}

case "$cmd" in
setup)
    listen_port=${3:?listen port}
    sink_port=${4:?sink port}
    etc=$dir/etc
    mkdir -p "$etc" "$dir/queue" "$dir/data"
    # Postfix daemons run as user "postfix" and must be able to reach the
    # queue directory: every parent must be searchable.
    chmod 755 "$dir"
    chown postfix: "$dir/data"
    # Start from an empty main.cf: every other parameter keeps its built-in default.
    : > "$etc/main.cf"
    cp /usr/share/postfix/master.cf.dist "$etc/master.cf"
    [ -f /etc/postfix/dynamicmaps.cf ] && cp /etc/postfix/dynamicmaps.cf "$etc/" || true
    pc() { postconf -c "$etc" -e "$@"; }
    pc "compatibility_level = 3.6" \
       "config_directory = $etc" \
       "queue_directory = $dir/queue" \
       "data_directory = $dir/data" \
       "mail_owner = postfix" \
       "setgid_group = postdrop" \
       "myhostname = relay-postfix.bench.test" \
       "mydomain = bench.test" \
       "myorigin = \$myhostname" \
       "mydestination =" \
       "relay_domains =" \
       "local_recipient_maps =" \
       "alias_maps =" \
       "alias_database =" \
       "local_transport = error:local delivery is disabled" \
       "mynetworks = 127.0.0.0/8" \
       "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination" \
       "smtpd_recipient_restrictions =" \
       "relayhost = [127.0.0.1]:$sink_port" \
       "inet_interfaces = 127.0.0.1" \
       "inet_protocols = ipv4" \
       "smtp_dns_support_level = disabled" \
       "smtp_host_lookup = native" \
       "lmtp_host_lookup = native" \
       "smtpd_peername_lookup = no" \
       "smtpd_tls_security_level = none" \
       "smtp_tls_security_level = none" \
       "biff = no" \
       "append_dot_mydomain = no" \
       "maillog_file_prefixes = $dir" \
       "maillog_file = $dir/maillog" \
       "smtputf8_enable = no"
    # Replace the port-25 listener with one on 127.0.0.1:LISTEN_PORT, and run
    # nothing chrooted (a chroot would need copies of /etc files).
    postconf -c "$etc" -M# smtp/inet
    postconf -c "$etc" -M "127.0.0.1:$listen_port/inet = 127.0.0.1:$listen_port inet n - n - - smtpd"
    postconf -c "$etc" -F '*/*/chroot = n'
    # postlogd writes maillog_file; make sure master.cf has it (Postfix >= 3.4).
    postconf -c "$etc" -M postlog/unix-dgram >/dev/null 2>&1 || \
        postconf -c "$etc" -M "postlog/unix-dgram = postlog unix-dgram n - n - 1 postlogd"
    ;;
start)
    # The postfix command reports errors to syslog only unless stderr is a
    # terminal; on failure, re-run "check" under script(1) to show them.
    if ! postfix -c "$dir/etc" start; then
        echo "postfix start failed; diagnostics:" >&2
        script -qc "postfix -c '$dir/etc' check" /dev/null >&2 || true
        [ -f "$dir/maillog" ] && tail -20 "$dir/maillog" >&2
        exit 1
    fi
    ;;
stop)
    pid=$(tr -d ' ' < "$dir/queue/pid/master.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        postfix -c "$dir/etc" stop >/dev/null 2>&1 || postfix -c "$dir/etc" abort >/dev/null 2>&1 || true
        # postfix stop returns before the master has gone: wait (bounded).
        for _ in $(seq 1 100); do
            [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    fi
    ;;
pids)
    pid=$(tr -d ' ' < "$dir/queue/pid/master.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || exit 0
    echo "$pid"
    ps -o pid= --ppid "$pid" | tr -d ' '
    ;;
*)
    echo "unknown command $cmd" >&2; exit 2 ;;
esac
