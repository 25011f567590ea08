/**
 * The shell scripts of the sandbox's agent package, shaped after the real agent's layoutroot/layoutbin scripts.
 * Where the real ones test `id -u`, these read AMLVNET_VM_UID first: the sandbox runs VM scripts as an
 * unprivileged stand-in user while telling them who they are on the VM (root for a Custom Script extension, as
 * on Azure; the admin user after `sudo -u`), so "Must not run with sudo" and "Must run as sudo" behave as on a VM.
 */

const ROOT_CHECK = `user_id="\${AMLVNET_VM_UID:-$(id -u)}"`;

const CD_TO_SCRIPT_DIR = `SOURCE="\${BASH_SOURCE[0]}"
while [ -h "$SOURCE" ]; do
  DIR="$( cd -P "$( dirname "$SOURCE" )" && pwd )"
  SOURCE="$(readlink "$SOURCE")"
  [[ $SOURCE != /* ]] && SOURCE="$DIR/$SOURCE"
done
DIR="$( cd -P "$( dirname "$SOURCE" )" && pwd )"
cd "$DIR"`;

export const CONFIG_SH = `#!/bin/bash

${ROOT_CHECK}

# we want to snapshot the environment of the config user
if [ $user_id -eq 0 -a -z "$AGENT_ALLOW_RUNASROOT" ]; then
    echo "Must not run with sudo"
    exit 1
fi

# Change directory to the script root directory
${CD_TO_SCRIPT_DIR}

source ./env.sh

shopt -s nocasematch
if [[ "$1" == "remove" ]]; then
    ./bin/Agent.Listener "$@"
else
    ./bin/Agent.Listener configure "$@"
fi
`;

export const RUN_SH = `#!/bin/bash

${ROOT_CHECK}

if [ $user_id -eq 0 -a -z "$AGENT_ALLOW_RUNASROOT" ]; then
    echo "Must not run interactively with sudo"
    exit 1
fi

${CD_TO_SCRIPT_DIR}

source ./env.sh
./bin/Agent.Listener run "$@"
`;

export const ENV_SH = `#!/bin/bash

varCheckList=('LANG' 'JAVA_HOME' 'ANT_HOME' 'M2_HOME' 'ANDROID_HOME' 'GRADLE_HOME' 'NVM_BIN' 'NVM_PATH' 'LD_LIBRARY_PATH' 'PERL5LIB' 'AGENT_TOOLSDIRECTORY')

envContents=""

if [ -f ".env" ]; then
    envContents=\`cat .env\`
else
    touch .env
fi

function writeVar()
{
    checkVar="$1"
    checkDelim="\${1}="
    if test "\${envContents#*$checkDelim}" = "$envContents"
    then
        if [ ! -z "\${!checkVar}" ]; then
            echo "\${checkVar}=\${!checkVar}">>.env
        fi
    fi
}

echo $PATH>.path

for var_name in \${varCheckList[@]}
do
    writeVar "\${var_name}"
done
`;

/** bin/Agent.Listener: the listener runs on the machine's Node.js (the real package ships .NET and Node). */
export const AGENT_LISTENER = `#!/bin/bash
DIR="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
if ! command -v node >/dev/null 2>&1; then
    echo "Can not find 'node' in PATH: the amlvnet sandbox agent runs on the machine's Node.js." >&2
    exit 1
fi
exec node "$DIR/agent-listener.js" "$@"
`;

export const RUNSVC_SH = `#!/bin/bash

# convert SIGTERM signal to SIGINT
trap 'kill -INT $PID' TERM INT

if [ -f ".path" ]; then
    export PATH=\`cat .path\`
    echo ".path=\${PATH}"
fi

./bin/Agent.Listener run --startuptype service &
PID=$!
wait $PID
trap - TERM INT
wait $PID
`;

export const SERVICE_TEMPLATE = `[Unit]
Description={{Description}}
After=network.target

[Service]
ExecStart={{AgentRoot}}/runsvc.sh
User={{User}}
WorkingDirectory={{AgentRoot}}
KillMode=process
KillSignal=SIGTERM
TimeoutStopSec=5min

[Install]
WantedBy=multi-user.target
`;

/**
 * bin/systemd.svc.sh.template, from which config.sh writes svc.sh. The real one drives systemctl; on a sandbox VM
 * the unit file goes under $AMLVNET_VM_ROOT/etc/systemd/system and "the service running" is the listener's
 * session with the service (Agent.Listener service start|stop), which is what makes the agent show online.
 */
export const SVC_SH_TEMPLATE = `#!/bin/bash

SVC_NAME="{{SvcNameVar}}"
SVC_DESCRIPTION="{{SvcDescription}}"

SVC_CMD=$1
arg_2=\${2}

AGENT_ROOT=\`pwd\`

UNIT_PATH=\${AMLVNET_VM_ROOT}/etc/systemd/system/\${SVC_NAME}
TEMPLATE_PATH=./bin/vsts.agent.service.template
TEMP_PATH=./bin/vsts.agent.service.temp
CONFIG_PATH=.service

${ROOT_CHECK}

# systemctl must run as sudo
# this script is a convenience wrapper around systemctl
if [ $user_id -ne 0 ]; then
    echo "Must run as sudo"
    exit 1
fi

function failed()
{
   local error=\${1:-Undefined error}
   echo "Failed: $error" >&2
   exit 1
}

if [ ! -f "\${TEMPLATE_PATH}" ]; then
    failed "Must run from agent root or install is corrupt"
fi

function install()
{
    echo "Creating launch agent in \${UNIT_PATH}"
    if [ -f "\${UNIT_PATH}" ]; then
        failed "error: exists \${UNIT_PATH}"
    fi

    # can optionally use username supplied
    run_as_user=\${arg_2:-\${SUDO_USER:-root}}
    echo "Run as user: \${run_as_user}"
    if [ "\${run_as_user}" != "root" ] && [ "\${run_as_user}" != "\${AMLVNET_VM_ADMIN}" ]; then
        failed "User does not exist"
    fi

    mkdir -p "$(dirname "\${UNIT_PATH}")" || failed "failed to create $(dirname "\${UNIT_PATH}")"
    sed "s/{{User}}/\${run_as_user}/g; s/{{Description}}/$(echo \${SVC_DESCRIPTION} | sed -e 's/[\\/&]/\\\\&/g')/g; s/{{AgentRoot}}/$(echo \${AGENT_ROOT} | sed -e 's/[\\/&]/\\\\&/g')/g;" "\${TEMPLATE_PATH}" > "\${TEMP_PATH}" || failed "failed to create replacement temp file"
    mv "\${TEMP_PATH}" "\${UNIT_PATH}" || failed "failed to copy unit file"
    chmod 664 "\${UNIT_PATH}" || failed "failed to set permissions on \${UNIT_PATH}"

    cp ./bin/runsvc.sh ./runsvc.sh || failed "failed to copy runsvc.sh"
    chmod 755 ./runsvc.sh || failed "failed to set permission for runsvc.sh"

    echo "\${SVC_NAME}" > \${CONFIG_PATH} || failed "failed to create .service file"
}

function start()
{
    [ -f "\${UNIT_PATH}" ] || failed "failed to start \${SVC_NAME}"
    ./bin/Agent.Listener service start || failed "failed to start \${SVC_NAME}"
    status
}

function stop()
{
    ./bin/Agent.Listener service stop || failed "failed to stop \${SVC_NAME}"
    status
}

function uninstall()
{
    stop
    rm "\${UNIT_PATH}" || failed "failed to delete \${UNIT_PATH}"
    if [ -f "\${CONFIG_PATH}" ]; then
      rm "\${CONFIG_PATH}" || failed "failed to delete \${CONFIG_PATH}"
    fi
}

function status()
{
    if [ -f "\${UNIT_PATH}" ]; then
        echo
        echo "\${UNIT_PATH}"
    else
        echo
        echo "not installed"
        echo
        return
    fi

    ./bin/Agent.Listener service status
}

function usage()
{
    echo
    echo Usage:
    echo "./svc.sh [install, start, stop, status, uninstall]"
    echo "Commands:"
    echo "   install [user]: Install agent service as Root or specified user."
    echo "   start: Manually start the agent service."
    echo "   stop: Manually stop the agent service."
    echo "   status: Display status of agent service."
    echo "   uninstall: Uninstall agent service."
    echo
}

case $SVC_CMD in
   "install") install;;
   "status") status;;
   "uninstall") uninstall;;
   "start") start;;
   "stop") stop;;
   *) usage;;
esac

exit 0
`;

export const TEE_LICENSE = `<!DOCTYPE html><html><head><title>Team Explorer Everywhere license</title></head>
<body><p>Placeholder shipped by the amlvnet sandbox's agent package: the real package carries the Team Explorer
Everywhere end user license agreement here.</p></body></html>
`;
