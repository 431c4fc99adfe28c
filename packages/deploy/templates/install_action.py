# Runs on the controller: reads one host's files from the rendered tree and hands them all to the install
# module in one call. The rendered tree is outside input: each file is opened without following a link, must
# be a regular file under a size bound, and must be rendered (no secret placeholder left: a copy of out/
# would install placeholders and restart the services on them). Only the files of the components asked for
# (`--tags`, `--skip-tags`) are sent. The module's invocation (which holds the contents) never reaches a log.
import base64
import os
import stat

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

MAX_FILE_BYTES = 16 << 20
MAX_HOST_BYTES = 256 << 20
# The start of clusterspec's placeholder, spelled in two parts so that this file holds none itself.
PLACEHOLDER = b'{{' + b'secret:'
EVERY_TAG = 'all'


def read_rendered(path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise AnsibleActionFail('%s: cannot be read (%s); render the site again with clusterspec render --all' % (path, error.strerror))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AnsibleActionFail('%s: not a regular file' % path)
        if info.st_size > MAX_FILE_BYTES:
            raise AnsibleActionFail('%s: larger than %d bytes' % (path, MAX_FILE_BYTES))
        data = os.read(fd, MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise AnsibleActionFail('%s: larger than %d bytes' % (path, MAX_FILE_BYTES))
        return data
    finally:
        os.close(fd)


def selected(files, run_tags, skip_tags):
    run_tags, skip_tags = set(run_tags or [EVERY_TAG]), set(skip_tags or [])
    every = EVERY_TAG in run_tags or 'always' in run_tags
    return [entry for entry in files if (every or entry['tag'] in run_tags) and entry['tag'] not in skip_tags]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(('tree', 'source', 'root', 'backup_dir', 'files', 'enable', 'run_tags', 'skip_tags', 'stubbed'))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        tree = args['tree']
        source = args['source']
        files = selected(args['files'], args.get('run_tags'), args.get('skip_tags'))
        contents, total = [], 0
        for entry in files:
            # A file of the host's own folder, or (`from`) a cluster/ file of the tree this host applies.
            path = os.path.join(tree, entry['from']) if entry.get('from') else os.path.join(source, entry['path'].lstrip('/'))
            data = read_rendered(path)
            if PLACEHOLDER in data:
                raise AnsibleActionFail('%s: still holds a secret placeholder: this is not a rendered tree (clusterspec render --all --to DIR)' % path)
            total += len(data)
            if total > MAX_HOST_BYTES:
                raise AnsibleActionFail('the files of this host are larger than %d bytes' % MAX_HOST_BYTES)
            contents.append(base64.b64encode(data).decode('ascii'))
        module_args = dict(
            root=args.get('root', '/'),
            backup_dir=args['backup_dir'],
            files=files,
            contents=contents,
            enable=args.get('enable', []),
            stubbed=args.get('stubbed', False),
        )
        outcome = self._execute_module(module_name='clusterspec.deploy.install', module_args=module_args, task_vars=task_vars)
        outcome.pop('invocation', None)
        result.update(outcome)
        return result
