'use strict';
// CPU time of a server process (and any children it started), read from /proc/<pid>/stat.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

let clockTicks;
/** Clock ticks per second for /proc stat fields (`getconf CLK_TCK`, almost always 100). */
function clkTck() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat after the parenthesised command name (which may contain spaces). */
function statFields(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Live descendants of pid, found through the ppid field of every process. */
function descendants(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue;
    const ppid = Number(fields[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/**
 * CPU milliseconds (user + system) used so far by pid and its descendants, including reaped
 * children (cutime/cstime). Resolution is one clock tick (10 ms at CLK_TCK=100).
 */
function processTreeCpuMs(pid) {
  // stat fields after ')' start at field 3 (state): utime=14, stime=15, cutime=16, cstime=17.
  const root = statFields(pid);
  if (!root) return undefined;
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  for (const child of descendants(pid)) {
    const f = statFields(child);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / clkTck();
}

/** CPU milliseconds used so far by this (client) process, all threads. */
function clientCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Busy and total CPU milliseconds of the whole machine so far, all cores (from /proc/stat), so a
 * phase can tell how much CPU processes other than the client and the server took.
 */
function machineCpuMs() {
  let line;
  try {
    line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return undefined;
  }
  // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  const toMs = (ticks) => (ticks * 1000) / clkTck();
  return { busyMs: toMs(busy), totalMs: toMs(busy + idle + iowait) };
}

module.exports = { clkTck, processTreeCpuMs, clientCpuMs, machineCpuMs };
