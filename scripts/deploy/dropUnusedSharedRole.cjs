'use strict';
/**
 * serverless-iam-roles-per-function gives each function its own role but leaves the framework's
 * shared role (IamRoleLambdaExecution, write access to every function's logs) in the template
 * even when no function uses it. Runs after that plugin: removes the shared role when nothing
 * refers to it, so the stack holds no role without a user.
 */
const SHARED_ROLE = 'IamRoleLambdaExecution';

const refersTo = (node, id) => {
  if (Array.isArray(node)) return node.some((child) => refersTo(child, id));
  if (node && typeof node === 'object') {
    if (node.Ref === id) return true;
    if (Array.isArray(node['Fn::GetAtt']) && node['Fn::GetAtt'][0] === id) return true;
    if (typeof node['Fn::Sub'] === 'string' && node['Fn::Sub'].includes(`\${${id}`)) return true;
    return Object.values(node).some((child) => refersTo(child, id));
  }
  return false;
};

class DropUnusedSharedRole {
  constructor(serverless) {
    this.hooks = {
      'before:package:finalize': () => {
        const template = serverless.service.provider.compiledCloudFormationTemplate;
        const { [SHARED_ROLE]: shared, ...others } = template.Resources;
        if (!shared) return;
        const used = Object.values(others).some((resource) => refersTo(resource, SHARED_ROLE) || [resource.DependsOn].flat().includes(SHARED_ROLE));
        if (!used && !refersTo(template.Outputs ?? {}, SHARED_ROLE)) delete template.Resources[SHARED_ROLE];
      },
    };
  }
}

module.exports = DropUnusedSharedRole;
