/**
 * Whether a process is alive, and a child process' whole process group: serverless-esbuild and
 * serverless-offline start children of their own, and stopping the local stack must take them all
 * down, not just the parent.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process of this pid exists (EPERM: it does, owned by someone else): a pid file's owner still running. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Whether a live (non-zombie) process is left in the group, from /proc/<pid>/stat. */
const linuxGroupAlive = (pgid: number): boolean => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // After "pid (comm) ": state, ppid, pgrp. comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
};

/**
 * True while any process of the group is alive. Signal 0 alone also counts zombies, and a
 * container's init may take seconds to reap the children reparented to it; on Linux, look closer.
 */
export const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return linuxGroupAlive(pgid);
  } catch {
    return true;
  }
};

export const signalGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
};

