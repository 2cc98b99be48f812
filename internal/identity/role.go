package identity

// Role is what a person may do in digigov. Citizens and enterprise agents
// act for themselves; every other role is held by staff through a Grant
// that ties it to an organisation and a region scope.
type Role string

const (
	RoleCitizen         Role = "citizen"          // 市民
	RoleEnterpriseAgent Role = "enterprise_agent" // 企业经办人
	RoleCounterStaff    Role = "counter_staff"    // 窗口人员
	RoleCaseOfficer     Role = "case_officer"     // 审批人员
	RoleDepartmentHead  Role = "department_head"  // 部门负责人
	RoleDataOfficer     Role = "data_officer"     // 首席数据官
	RoleGridWorker      Role = "grid_worker"      // 网格员
	RoleDutyOfficer     Role = "duty_officer"     // 值班员
	RoleLeader          Role = "leader"           // 领导
	RoleSysAdmin        Role = "sysadmin"         // 系统管理员
	RoleDispatcher      Role = "dispatcher"       // 调度员 (一网统管: accepts and dispatches events)
	RoleHotlineOperator Role = "hotline_operator" // 12345 话务员
	RoleEventOfficer    Role = "event_officer"    // 事件处置人员 (a department's event handler)
)

// StaffRoles are the roles a Grant may carry, in display order.
var StaffRoles = []Role{
	RoleCounterStaff, RoleCaseOfficer, RoleDepartmentHead, RoleDataOfficer,
	RoleGridWorker, RoleDutyOfficer, RoleLeader, RoleSysAdmin,
	RoleDispatcher, RoleHotlineOperator, RoleEventOfficer,
}

// Valid reports whether r is a known staff role.
func (r Role) Valid() bool {
	for _, s := range StaffRoles {
		if s == r {
			return true
		}
	}
	return false
}

// Permission is one thing a role allows. Every service method that needs
// one calls Authorize with it.
type Permission string

const (
	PermWorkbench      Permission = "workbench.use"   // open the workbench
	PermCockpit        Permission = "cockpit.view"    // open the cockpit
	PermPersonRead     Permission = "person.read"     // look up a person's record (audited)
	PermUserManage     Permission = "user.manage"     // create staff accounts, grant roles
	PermOrgManage      Permission = "org.manage"      // create organisations
	PermAuditRead      Permission = "audit.read"      // read the audit log of a region
	PermRegionImport   Permission = "region.import"   // import region data
	PermCaseHandle     Permission = "case.handle"     // work on cases
	PermCaseDecide     Permission = "case.decide"     // approve or deny cases
	PermCaseReceive    Permission = "case.receive"    // receive cases at a counter
	PermDataManage     Permission = "data.manage"     // maintain the data catalog
	PermEventHandle    Permission = "event.handle"    // report and handle events
	PermEventCommand   Permission = "event.command"   // dispatch events, command emergencies
	PermCatalogManage  Permission = "catalog.manage"  // maintain the service catalog
	PermEventReport    Permission = "event.report"    // report events for others (patrol, hotline, systems)
	PermEventDispatch  Permission = "event.dispatch"  // accept, dispatch, split, merge, escalate, close events
	PermEventVerify    Permission = "event.verify"    // verify (核查) that an event was handled
	PermEventSupervise Permission = "event.supervise" // send supervision notices (督办)
	PermEventRules     Permission = "event.rules"     // maintain event routing rules
	PermEventCallback  Permission = "event.callback"  // call reporters back after closure (回访): see their full phone, audited
	PermSealManage     Permission = "seal.manage"     // create, suspend, revoke, rotate seals; read their use log
	PermLicenseIssue   Permission = "license.issue"   // issue, suspend, revoke, reinstate licences as one's organisation
	PermSensingIngest  Permission = "sensing.ingest"  // send indicator readings (sensor gateways' tokens)
	PermSensingManage  Permission = "sensing.manage"  // stations, alert rules; acknowledge and close alerts
	PermDataRequest    Permission = "data.request"    // request another body's data resources
	PermDocumentIssue  Permission = "document.issue"  // seal documents (决定书, 证明) as one's organisation; read them
	PermMarketList     Permission = "market.list"     // list one's body's data products, decide their orders, sign and end contracts, ask for asset certificates
	PermMarketCertify  Permission = "market.certify"  // issue data asset certificates (公共数据资产凭证); the market asks for a province-wide scope
	PermMarketOrder    Permission = "market.order"    // order data products for one's enterprise (enterprise agents, acting for themselves)
	PermKnowledgeEdit  Permission = "knowledge.edit"  // add, edit and retire the hotline's knowledge base entries
)

// rolePermissions is the policy: which permissions each staff role carries.
// A grant applies them within its region scope.
var rolePermissions = map[Role][]Permission{
	RoleCounterStaff:    {PermWorkbench, PermPersonRead, PermCaseReceive},
	RoleCaseOfficer:     {PermWorkbench, PermPersonRead, PermCaseHandle, PermLicenseIssue, PermDataRequest, PermDocumentIssue},
	RoleDepartmentHead:  {PermWorkbench, PermPersonRead, PermCaseHandle, PermCaseDecide, PermAuditRead, PermLicenseIssue, PermDataRequest, PermDocumentIssue},
	RoleDataOfficer:     {PermWorkbench, PermDataManage, PermAuditRead, PermDataRequest, PermDocumentIssue, PermMarketList, PermMarketCertify},
	RoleGridWorker:      {PermWorkbench, PermEventHandle, PermEventReport, PermEventVerify},
	RoleDutyOfficer:     {PermWorkbench, PermCockpit, PermEventHandle, PermEventCommand, PermEventReport, PermEventDispatch, PermEventSupervise, PermSensingIngest, PermSensingManage},
	RoleLeader:          {PermCockpit, PermWorkbench, PermAuditRead, PermEventSupervise},
	RoleSysAdmin:        {PermWorkbench, PermUserManage, PermOrgManage, PermAuditRead, PermRegionImport, PermCatalogManage, PermSealManage, PermSensingIngest, PermKnowledgeEdit},
	RoleDispatcher:      {PermWorkbench, PermEventReport, PermEventDispatch, PermEventRules, PermKnowledgeEdit},
	RoleHotlineOperator: {PermWorkbench, PermEventReport, PermEventCallback},
	RoleEventOfficer:    {PermWorkbench, PermEventHandle},
	// Enterprise agents act for their own enterprise, through the one
	// grant built with their caller (AgentGrant).
	RoleEnterpriseAgent: {PermMarketOrder},
}

// Allows reports whether r carries p.
func (r Role) Allows(p Permission) bool {
	for _, q := range rolePermissions[r] {
		if q == p {
			return true
		}
	}
	return false
}

// Face is the front end a person lands on after signing in.
type Face string

const (
	FacePortal    Face = "portal"    // 粤省事 / 粤商通
	FaceWorkbench Face = "workbench" // 粤政易
	FaceCockpit   Face = "cockpit"   // 粤治慧
)
