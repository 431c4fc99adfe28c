#!/usr/bin/python3
# Runs on the host: installs every file the controller sent in one call (plugins/action/install.py reads them
# from the rendered tree). One call per host instead of one `copy` per file: a copy loop costs several SSH
# round trips per file, minutes for a site of a hundred files.
#
# For each file: the content, mode, owner and group are compared with what the host has; what differs is
# written to a temporary file beside the real one (.clusterspec-new.<name>: the same folder, so relative
# includes and the extension still hold). The files no program checks are put in place first (a check may
# read them: keepalived's vrrp_script must exist), then each other file is checked by its consumer's own
# check (`nginx -t -c %s`) and put in place only when every check passed. A refusal puts back every file
# this call replaced: a check that fails leaves the host's files as they were. Each replaced file is kept
# under the backup folder (one generation; outside the services' own folders: the kubelet reads every file
# of manifests/).
# In check mode nothing is written: the result names each file that would change, and diffs the ones that
# hold no secret (a secret file is named, its content never shown).
import base64
import grp
import os
import pwd
import shutil
import stat
import subprocess

from ansible.module_utils.basic import AnsibleModule

TEMP_PREFIX = '.clusterspec-new.'
CHECK_TIMEOUT_SECONDS = 120
OUTPUT_LIMIT = 4000
BEGIN = '# BEGIN clusterspec (%s): edit the cluster spec, not this block'
END = '# END clusterspec'


def current_file(path):
    """The bytes and stat of a regular file at path, without following a link; None for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None, None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b''.join(chunks), info
    finally:
        os.close(fd)


def account_ids(module, owner, group):
    try:
        return pwd.getpwnam(owner).pw_uid, grp.getgrnam(group).gr_gid
    except KeyError:
        module.fail_json(msg='account %s:%s does not exist on this host (install the package that creates it)' % (owner, group))


def merged(text, fragment_path, fragment):
    """text with the fragment as its one marked block, replacing the block an earlier run wrote."""
    begin = BEGIN % fragment_path
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    kept, inside = [], False
    for line in lines:
        if line == begin:
            inside = True
        elif inside and line == END:
            inside = False
        elif not inside:
            kept.append(line)
    body = [line for line in fragment.split('\n') if line and not line.startswith('#')]
    return '\n'.join(kept + [begin] + body + [END]) + '\n'


def short(text):
    text = text.strip()
    return text if len(text) <= OUTPUT_LIMIT else text[:OUTPUT_LIMIT] + '...'


def run_check(argv, path, stubbed):
    """The consumer's check of the new file at path: None when it passed (or its program is absent on a stubbed host)."""
    command = [path if word == '%s' else word for word in argv]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=CHECK_TIMEOUT_SECONDS)
    except FileNotFoundError:
        if stubbed:
            return None
        return '%s is not installed on this host' % argv[0]
    except subprocess.TimeoutExpired:
        return '%s did not finish within %d s' % (' '.join(command), CHECK_TIMEOUT_SECONDS)
    if done.returncode != 0:
        return '%s exited %d: %s' % (' '.join(command), done.returncode, short(done.stdout.decode('utf-8', 'replace')))
    return None


def owner_text(uid, gid, mode):
    try:
        user = pwd.getpwuid(uid).pw_name
    except KeyError:
        user = str(uid)
    try:
        group = grp.getgrgid(gid).gr_name
    except KeyError:
        group = str(gid)
    return '%s:%s %04o' % (user, group, mode)


def diff_entry(item):
    path, before, after, secret = item['entry']['path'], item['before'], item['desired'], item['entry'].get('secret')
    if not item['rewrite']:
        return {'prepared': '--- %s\n+++ %s\nowner, group and mode: %s -> %s\n' % (path, path, item['was'], owner_text(item['uid'], item['gid'], item['mode']))}
    if secret:
        return {'prepared': '--- %s\n+++ %s\n(holds a secret: content not shown)\n' % (path, path)}
    return {'before_header': path, 'after_header': path, 'before': before.decode('utf-8', 'replace'), 'after': after.decode('utf-8', 'replace')}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            root=dict(type='str', default='/'),
            backup_dir=dict(type='str', required=True),
            files=dict(type='list', elements='dict', required=True),
            # Parallel to files, base64: marked no_log so that no log or result ever shows them.
            contents=dict(type='list', elements='str', required=True, no_log=True),
            # The units to enable (each service of the host starts again after a reboot).
            enable=dict(type='list', elements='str', default=[]),
            # Services stubbed (a test, or hosts that get their programs later): a check whose program is absent is
            # skipped, and no unit is enabled.
            stubbed=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    root = params['root'].rstrip('/')
    files = params['files']
    contents = params['contents']
    if len(files) != len(contents):
        module.fail_json(msg='internal error: %d files, %d contents' % (len(files), len(contents)))

    # 1. What differs.
    planned = []
    for entry, encoded in zip(files, contents):
        desired = base64.b64decode(encoded)
        dest = root + entry['path']
        before, info = current_file(dest)
        uid, gid = account_ids(module, entry['owner'], entry['group'])
        mode = int(entry['mode'], 8)
        content_differs = before != desired
        meta_differs = info is not None and (stat.S_IMODE(info.st_mode) != mode or info.st_uid != uid or info.st_gid != gid)
        if content_differs or meta_differs:
            old = (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) if info is not None else None
            was = owner_text(*old) if old else ''
            planned.append(dict(entry=entry, dest=dest, desired=desired, before=before or b'', uid=uid, gid=gid, mode=mode, rewrite=content_differs, was=was, old=old))
        merge = entry.get('merge')
        if merge:
            target = root + merge
            text, _ = current_file(target)
            if text is None:
                module.fail_json(msg='%s is missing or not a regular file: cannot merge %s into it' % (merge, entry['path']))
            wanted = merged(text.decode('utf-8', 'replace'), entry['path'], desired.decode('utf-8')).encode('utf-8')
            if wanted != text:
                target_info = os.lstat(target)
                planned.append(
                    dict(
                        entry=dict(path=merge, service='files'),
                        dest=target,
                        desired=wanted,
                        before=text,
                        uid=target_info.st_uid,
                        gid=target_info.st_gid,
                        mode=stat.S_IMODE(target_info.st_mode),
                        rewrite=True,
                        old=(target_info.st_uid, target_info.st_gid, stat.S_IMODE(target_info.st_mode)),
                    )
                )

    changed_files = [item['entry']['path'] for item in planned]
    services = sorted({item['entry']['service'] for item in planned})
    units = sorted({item['entry']['unit'] for item in planned if item['entry'].get('unit') and item['rewrite']})
    diffs = [diff_entry(item) for item in planned]
    to_enable = [] if params['stubbed'] else [unit for unit in params['enable'] if not enabled(unit)]
    diffs += [{'prepared': 'systemctl enable %s\n' % unit} for unit in to_enable]
    result = dict(changed=bool(planned or to_enable), changed_files=changed_files, changed_services=services, changed_units=units, enabled=to_enable)
    if module._diff:
        result['diff'] = diffs
    if module.check_mode:
        module.exit_json(**result)
    for unit in to_enable:
        done = subprocess.run(['systemctl', 'enable', unit], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=CHECK_TIMEOUT_SECONDS)
        if done.returncode != 0:
            module.fail_json(msg='systemctl enable %s exited %d: %s' % (unit, done.returncode, short(done.stdout.decode('utf-8', 'replace'))), **unchanged(result))
    if not planned:
        module.exit_json(**result)

    # 2. Every new file staged beside its real one.
    staged = []
    try:
        for item in planned:
            if item['rewrite']:
                staged.append((item, stage(item['dest'], item['desired'], item['uid'], item['gid'], item['mode'])))
    except OSError as error:
        discard(staged)
        module.fail_json(msg='nothing installed on this host: %s' % error, **unchanged(result))

    # 3. The files no program checks put in place first (a check may read them: keepalived's vrrp_script), then
    # each checked file checked; one refusal puts every file of this call back as it was.
    backup_root = params['backup_dir'].rstrip('/')
    unchecked = [(item, temp) for item, temp in staged if not item['entry'].get('check')]
    checked = [(item, temp) for item, temp in staged if item['entry'].get('check')]
    placed = []
    try:
        for item, temp in unchecked:
            place(item, temp, backup_root)
            placed.append(item)
        failures = []
        for item, temp in checked:
            problem = run_check(item['entry']['check'], temp, params['stubbed'])
            if problem:
                failures.append('%s: %s' % (item['entry']['path'], problem))
        if failures:
            raise RuntimeError('; '.join(failures))
    except (OSError, RuntimeError) as error:
        discard(checked)
        for item in reversed(placed):
            restore(item)
        module.fail_json(msg='nothing installed on this host: %s' % error, **unchanged(result))
    for item, temp in checked:
        place(item, temp, backup_root)
    for item in planned:
        if not item['rewrite']:
            os.chown(item['dest'], item['uid'], item['gid'], follow_symlinks=False)
            os.chmod(item['dest'], item['mode'])
    module.exit_json(**result)


def enabled(unit):
    """Whether systemd starts the unit at boot (is-enabled exits 0 for enabled, static, alias and the like)."""
    done = subprocess.run(['systemctl', 'is-enabled', '--quiet', unit], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=CHECK_TIMEOUT_SECONDS)
    return done.returncode == 0


def unchanged(result):
    return dict(result, changed=False, changed_files=[], changed_services=[], changed_units=[])


def stage(dest, data, uid, gid, mode):
    """data in a new file beside dest, with its owner, group and mode; its path."""
    folder = os.path.dirname(dest)
    os.makedirs(folder, mode=0o755, exist_ok=True)
    temp = os.path.join(folder, TEMP_PREFIX + os.path.basename(dest))
    if os.path.lexists(temp):
        os.unlink(temp)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return temp


def discard(staged):
    for _, temp in staged:
        if os.path.lexists(temp):
            os.unlink(temp)


def place(item, temp, backup_root):
    """The old file kept under the backup folder (one generation), the staged one renamed over it."""
    if item['old'] is not None:
        backup = backup_root + item['entry']['path']
        os.makedirs(os.path.dirname(backup), mode=0o700, exist_ok=True)
        os.chmod(backup_root, 0o700)
        shutil.copy2(item['dest'], backup, follow_symlinks=False)
    os.rename(temp, item['dest'])


def restore(item):
    """Puts back what place() replaced: the old bytes with their owner, group and mode, or no file."""
    if item['old'] is None:
        os.unlink(item['dest'])
        return
    uid, gid, mode = item['old']
    os.rename(stage(item['dest'], item['before'], uid, gid, mode), item['dest'])


if __name__ == '__main__':
    main()
