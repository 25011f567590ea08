import { ROOT_CHECK } from "./agent-scripts";

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

if [ -z "\${AMLVNET_VM_ROOT}" ]; then
    failed "this svc.sh manages services of amlvnet sandbox VMs only (AMLVNET_VM_ROOT is not set)"
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
